import type { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { resolve } from 'node:path';
import { writeArmor } from '../../crypto/armor.js';
import { envelopeIdHex, sealEnvelope } from '../../crypto/envelope.js';
import { t } from '../i18n/index.js';
import { serializeStatement } from '../../statement/index.js';
import { action, type Ctx } from '../context.js';
import { loadCenter } from '../home.js';
import { EXIT } from '../output.js';
import { addComposeOptions, warnIfOnCommandLine, readStatement, type ComposeFlags } from '../statement-input.js';

export function registerSeal(program: Command, ctx: Ctx): Command {
  const cmd = program
    .command('seal')
    .description(t('cli.seal.description'))
    .argument('[statement]', t('cli.arg.statement'))
    .option('--label', t('cli.seal.opt.label'))
    .option('--out <file>', t('cli.seal.opt.out'))
    .option('--binary', t('cli.seal.opt.binary'));
  addComposeOptions(cmd);
  return cmd.action(
    action<ComposeFlags & { label?: boolean; out?: string; binary?: boolean }>(ctx, async ({ opts, out, home }, source?: string) => {
      warnIfOnCommandLine(opts, out, 'seal');
      const center = await loadCenter(opts.center, home);
      const st = await readStatement(source, opts, out);
      const envelope = sealEnvelope(serializeStatement(st), center.boxKey);
      const id = envelopeIdHex(envelope);
      const armor = writeArmor([envelope], { label: Boolean(opts.label) });
      if (opts.out) {
        await writeFileAtomic(resolve(opts.out), opts.binary ? Buffer.from(envelope) : armor, { mode: 0o600 });
      }
      if (opts.json) out.document({ id, armor, ...(opts.out ? { file: resolve(opts.out) } : {}) });
      else if (!opts.out) out.data(armor);
      else out.info('cli.seal.written', { file: resolve(opts.out), id });
      return EXIT.ok;
    }),
  );
}
