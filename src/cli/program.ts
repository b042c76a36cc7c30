/**
 * The `sealpost` command line (CLI spec). Texts come from the catalogs in the user's language,
 * which is known before the program is built (`--lang` is pre-scanned from argv).
 */
import { Command, CommanderError, Option } from 'commander';
import { detectLang, setLang, t } from './i18n/index.js';
import { helpConfig, usageMessage } from './i18n/commander.js';
import { isSealpostError } from '../errors.js';
import { errorDocument, EXIT, Output, type Io, type ExitCode } from './output.js';
import type { Ctx } from './context.js';
import { registerKeygen } from './commands/keygen.js';
import { registerServe } from './commands/serve.js';
import { registerCompose } from './commands/compose.js';
import { registerSeal } from './commands/seal.js';
import { registerSubmit } from './commands/submit.js';
import { registerDemo } from './commands/demo.js';
import { registerRoutes } from './commands/routes.js';
import { registerOutbox } from './commands/outbox.js';
import { registerWipe } from './commands/wipe.js';
import { registerRelay } from './commands/relay.js';
import { registerVerify } from './commands/verify.js';
import { registerLog } from './commands/log.js';
import { registerWitness } from './commands/witness.js';
import { registerTally } from './commands/tally.js';
import { registerRecount } from './commands/recount.js';
import { registerUi } from './commands/ui.js';

function preScanLang(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--lang') return argv[i + 1];
    if (a.startsWith('--lang=')) return a.slice(7);
  }
  return undefined;
}

/** Commander's help is English; put it in the user's language (src/cli/i18n/commander.ts). */
function localizeHelp(cmd: Command): void {
  cmd.configureHelp(helpConfig);
  for (const sub of cmd.commands) localizeHelp(sub);
}

export function buildProgram(ctx: Ctx): Command {
  const program = new Command('sealpost')
    .description(t('cli.description'))
    .helpOption('-h, --help', t('cli.opt.help'))
    .addHelpCommand(false)
    .version('0.1.0', '-V, --version', t('cli.opt.version'))
    .option('--json', t('cli.opt.json'))
    .addOption(new Option('--lang <lang>', t('cli.opt.lang')).choices(['zh-CN', 'en']))
    .option('--home <dir>', t('cli.opt.home'))
    .option('--center <file>', t('cli.opt.center'))
    .option('--verbose', t('cli.opt.verbose'))
    .option('--keep-receipts', t('cli.opt.keep-receipts'))
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // Commander's own parse errors are English: replace them with ours (see run()).
      outputError: () => {},
    });
  for (const register of [registerKeygen, registerServe, registerCompose, registerSeal, registerSubmit, registerDemo, registerRoutes, registerOutbox, registerWipe, registerRelay, registerVerify, registerLog, registerWitness, registerTally, registerRecount, registerUi]) {
    const cmd = register(program, ctx);
    cmd.helpOption('-h, --help', t('cli.opt.help')).exitOverride().configureOutput({ outputError: () => {} });
    localizeHelp(cmd);
  }
  localizeHelp(program);
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<ExitCode> {
  setLang(detectLang(preScanLang(argv), io.env));
  const ctx: Ctx = { io, exit: EXIT.ok };
  const program = buildProgram(ctx);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      const message = usageMessage(err);
      io.stderr.write(`sealpost: error: ${message}\n`);
      io.stderr.write(`sealpost: hint: ${t('cli.hint.help')}\n`);
      // A wrong value of a flag (`--lang fr`) is bad input, as our own parsers' are (issue 7); the
      // rest of commander's errors are about the command line's shape: usage.
      const bad = err.code === 'commander.invalidArgument';
      if (argv.includes('--json')) {
        const code = bad ? 'bad-flag' : err.code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        io.stdout.write(`${JSON.stringify(errorDocument(code, message, t('cli.hint.help')), null, 2)}\n`);
      }
      return bad ? EXIT.input : EXIT.usage;
    }
    // An option parser's own error (`--timeout abc`, `--days -1`) is bad input, not an internal error.
    if (isSealpostError(err)) return new Output(io, argv.includes('--json')).fail(err);
    throw err;
  }
  return ctx.exit;
}
