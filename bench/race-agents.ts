/**
 * The baseline client of bench/race (issue 7, point 7), run as a whole process inside the lab's
 * client namespace, like the curl loop: the center file's routes in order, each through the card's
 * packages (race-agents-client.ts), until a receipt verifies with sealpost's own verifyReceipt.
 *
 * Usage: node dist/bench/race-agents.js <center.json> <envelope.bin>. Prints one JSON line
 * {route, ms, attempts}; exits 0 once a receipt verified, 1 when no route delivered.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { verifyReceipt } from '../src/crypto/receipt.js';
import { post, type RouteSpec } from './race-agents-client.js';

async function main(): Promise<void> {
  const t0 = performance.now();
  const [centerPath, envelopePath] = process.argv.slice(2) as [string, string];
  const center = JSON.parse(readFileSync(centerPath, 'utf8')) as { name: string; logKey: string; routes: RouteSpec[] };
  const envelope = readFileSync(envelopePath);
  const eh = createHash('sha256').update(envelope).digest();
  const attempts: { route: string; outcome: string; ms: number }[] = [];
  for (const r of center.routes) {
    const a0 = performance.now();
    try {
      verifyReceipt(await post(r, envelope), { center: center.name, logKey: center.logKey, eh });
      attempts.push({ route: r.id, outcome: 'delivered', ms: Math.round(performance.now() - a0) });
      process.stdout.write(`${JSON.stringify({ route: r.id, ms: Math.round(performance.now() - t0), attempts })}\n`);
      return;
    } catch (err) {
      const e = err as Error & { code?: string };
      attempts.push({ route: r.id, outcome: e.code ?? e.message, ms: Math.round(performance.now() - a0) });
    }
  }
  process.stdout.write(`${JSON.stringify({ route: null, ms: Math.round(performance.now() - t0), attempts })}\n`);
  process.exitCode = 1;
}

void main();
