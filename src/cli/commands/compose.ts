import type { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { resolve } from 'node:path';
import { t } from '../i18n/index.js';
import { serializeStatement } from '../../statement/index.js';
import { action, type Ctx } from '../context.js';
import { EXIT } from '../output.js';
import { addComposeOptions, warnIfOnCommandLine, hasComposeFlags, readStatement, type ComposeFlags } from '../statement-input.js';

export function registerCompose(program: Command, ctx: Ctx): Command {
  const cmd = program
    .command('compose')
    .description(t('cli.compose.description'))
    .argument('[statement]', t('cli.arg.statement'))
    .option('--out <file>', t('cli.compose.opt.out'));
  addComposeOptions(cmd);
  return cmd.action(
    action<ComposeFlags & { out?: string }>(ctx, async ({ opts, out, io }, source?: string) => {
      warnIfOnCommandLine(opts, out, 'compose');
      if (source === undefined && !hasComposeFlags(opts) && !io.stdin.isTTY) {
        // On a terminal readStatement asks step by step (issue 8, build point 4); a script is
        // told the flags.
        out.error('cli.no-statement');
        out.hint('cli.compose.hint-flags');
        return EXIT.usage;
      }
      const st = await readStatement(source, opts, out);
      const text = Buffer.from(serializeStatement(st)).toString('utf8');
      if (opts.out) {
        // The user asked for this file explicitly; it holds the plaintext, so say so.
        await writeFileAtomic(resolve(opts.out), `${text}\n`, { mode: 0o600 });
        out.warning('cli.compose.plaintext-written', { file: resolve(opts.out) });
      } else {
        out.data(text);
      }
      return EXIT.ok;
    }),
  );
}
