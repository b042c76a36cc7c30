// DNS servers for the censorship lab (issue 12), each run inside a network namespace:
// - `poison <listen ip> <wrong ip>`: a resolver on UDP and TCP port 53 that answers every A query
//   with <wrong ip> (and every other type with no answer), as the Great Firewall's injector does;
// - `doh <listen ip:port> <cert> <key> <name>=<ip>...`: a DNS-over-HTTPS resolver (RFC 8484, POST
//   /dns-query) that answers A queries for the names given, and NXDOMAIN for any other.
// Prints `ready` when listening. Written for tests/lab (root only).
import dgram from 'node:dgram';
import net from 'node:net';
import https from 'node:https';
import { readFileSync } from 'node:fs';

/** The question of a query: name (lowercase), type, and the question section's bytes. */
function question(q) {
  let p = 12;
  const labels = [];
  while (q[p] !== 0) {
    labels.push(q.toString('latin1', p + 1, p + 1 + q[p]));
    p += 1 + q[p];
  }
  return { name: labels.join('.').toLowerCase(), type: q.readUInt16BE(p + 1), section: q.subarray(12, p + 5) };
}

/** An answer to query `q`: one A record for `ip` when given (TTL 60), else none with `rcode`. */
function reply(q, ip, rcode = 0) {
  const { section } = question(q);
  const h = Buffer.alloc(12);
  h.writeUInt16BE(q.readUInt16BE(0), 0);
  h.writeUInt16BE(0x8180 | rcode, 2);
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(ip ? 1 : 0, 6);
  const rr = ip ? Buffer.concat([Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]), Buffer.from(ip.split('.').map(Number))]) : Buffer.alloc(0);
  return Buffer.concat([h, section, rr]);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'poison') {
  const [listen, wrong] = args;
  const answer = (q) => reply(q, question(q).type === 1 ? wrong : undefined);
  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, from) => {
    try {
      udp.send(answer(msg), from.port, from.address);
    } catch {}
  });
  const tcp = net.createServer((s) => {
    let buf = Buffer.alloc(0);
    s.on('error', () => {});
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const a = answer(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
        const len = Buffer.alloc(2);
        len.writeUInt16BE(a.length);
        s.write(Buffer.concat([len, a]));
      }
    });
  });
  udp.bind(53, listen, () => tcp.listen(53, listen, () => console.log('ready')));
} else if (mode === 'doh') {
  const [listen, cert, key, ...pairs] = args;
  const names = new Map(pairs.map((p) => p.split('=')).map(([n, ip]) => [n.toLowerCase(), ip]));
  const i = listen.lastIndexOf(':');
  const server = https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/dns-query') return res.writeHead(400).end();
      const q = Buffer.concat(chunks);
      const { name, type } = question(q);
      const ip = names.get(name);
      const body = ip === undefined ? reply(q, undefined, 3) : reply(q, type === 1 ? ip : undefined);
      console.log(`doh ${name} ${type}`);
      res.writeHead(200, { 'content-type': 'application/dns-message', 'content-length': body.length }).end(body);
    });
  });
  server.listen(Number(listen.slice(i + 1)), listen.slice(0, i), () => console.log('ready'));
} else {
  console.error('usage: lab-dns.mjs poison <ip> <wrong ip> | doh <ip:port> <cert> <key> <name>=<ip>...');
  process.exit(2);
}
process.on('SIGTERM', () => process.exit(0));
