/**
 * The misbehaving servers of bench/race, run inside the lab's server namespace: a TLS server with
 * a wrong certificate (valid only for other.test), a lying mirror (right certificate, 200 with
 * a receipt signed by the wrong key) and, on each further port, a server that accepts and never
 * answers (the starvation mix: issue 6, finding 3). Prints `ready` when all listen.
 */
import { createServer as createHttps } from 'node:https';
import { createServer as createTcp } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { envelopeIdHex } from '../src/crypto/envelope.js';
import { NoteSigner } from '../src/crypto/note.js';
import { signReceipt } from '../src/crypto/receipt.js';

const [tlsDir, center, wrongPort, liarPort, ...hangPorts] = process.argv.slice(2) as [string, string, string, string, ...string[]];
const pem = (f: string) => readFileSync(`${tlsDir}/${f}`);
const forger = new NoteSigner(`${center}/log`, randomBytes(32));

const wrong = createHttps({ cert: pem('other.pem'), key: pem('other-key.pem') }, (_q, res) => res.end('{}'));
const liar = createHttps({ cert: pem('center.pem'), key: pem('center-key.pem') }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const eh = envelopeIdHex(Buffer.concat(chunks));
    const receipt = signReceipt(forger, { center, eh: Buffer.from(eh, 'hex'), blind: randomBytes(16), index: 7, hour: Math.floor(Date.now() / 3.6e6) });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: eh, receipt }));
  });
});
let up = 0;
const ready = () => {
  if (++up === 2 + hangPorts.length) process.stdout.write('ready\n');
};
wrong.listen(Number(wrongPort), '0.0.0.0', ready);
liar.listen(Number(liarPort), '0.0.0.0', ready);
// Reads what comes (the ClientHello) and never answers, holding the connection open.
for (const port of hangPorts) createTcp((s) => s.on('error', () => {}).resume()).listen(Number(port), '0.0.0.0', ready);
