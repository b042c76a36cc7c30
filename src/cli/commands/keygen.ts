import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { generateCenterKeys } from '../../crypto/keys.js';
import { t } from '../i18n/index.js';
import { action, type Ctx } from '../context.js';
import { EXIT, UsageError } from '../output.js';
import { collect } from '../route-options.js';


export function registerKeygen(program: Command, ctx: Ctx): Command {
  return program
    .command('keygen')
    .description(t('cli.keygen.description'))
    .requiredOption('--name <center name>', t('cli.keygen.opt.name'))
    .requiredOption('--out <dir>', t('cli.keygen.opt.out'))
    .option('--url <intake base url>', t('cli.keygen.opt.url'), collect, [])
    .option('--witness', t('cli.keygen.opt.witness'))
    .action(
      action<{ name: string; out: string; url: string[]; witness?: boolean }>(ctx, async ({ opts, out }) => {
        const dir = resolve(opts.out);
        if (opts.witness) {
          // Wire spec 5: a witness's key pair, not a center's; it has no intake URL.
          if (opts.url.length > 0) throw new UsageError('flag-conflict', '--url does not go with --witness', { key: 'cli.keygen.witness-url' });
          const { generateWitnessKey } = await import('../../center/witness/keygen.js');
          const w = await generateWitnessKey(opts.name, dir);
          if (opts.json) out.document({ witness: w.name, dir, vkey: w.verifierKey, files: ['witness.key', 'witness.vkey'] });
          else {
            out.data(w.verifierKey);
            out.info('cli.keygen.witness-done', { dir });
          }
          return EXIT.ok;
        }
        const file = await generateCenterKeys(opts.name, dir, opts.url);
        const fingerprint = createHash('sha256').update(await readFile(join(dir, 'center.json'))).digest('hex');
        if (opts.json) {
          out.document({ center: file.name, dir, fingerprint, files: ['box.key', 'log.key', 'tally.key', 'routes.key', 'center.json'] });
        } else {
          out.data(join(dir, 'center.json'));
          out.info('cli.keygen.done', { dir, fingerprint });
        }
        return EXIT.ok;
      }),
    );
}
