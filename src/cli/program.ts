/**
 * The `sealpost` command line (CLI spec). Texts come from the catalogs in the user's language,
 * which is known before the program is built (`--lang` is pre-scanned from argv).
 */
import { Command, CommanderError, Help, Option } from 'commander';
import { detectLang, setLang, t } from '../i18n/index.js';
import { errorDocument, EXIT, Output, UsageError, type Io, type ExitCode } from './output.js';
import type { Ctx } from './context.js';
import { registerKeygen } from './commands/keygen.js';
import { registerServe } from './commands/serve.js';
import { registerCompose } from './commands/compose.js';
import { registerSeal } from './commands/seal.js';
import { registerSubmit } from './commands/submit.js';
import { registerDemo } from './commands/demo.js';
import { registerRoutes } from './commands/routes.js';

function preScanLang(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--lang') return argv[i + 1];
    if (a.startsWith('--lang=')) return a.slice(7);
  }
  return undefined;
}

/** Commander's help headings are English; put them in the user's language. */
function localizeHelp(cmd: Command): void {
  cmd.configureHelp({
    formatHelp: (c, helper) =>
      Help.prototype.formatHelp
        .call(helper, c, helper)
        .replace(/^Usage:/m, t('cli.help.usage'))
        .replace(/^Arguments:$/m, t('cli.help.arguments'))
        .replace(/^Options:$/m, t('cli.help.options'))
        .replace(/^Commands:$/m, t('cli.help.commands'))
        .replace(/\(default:/g, `(${t('cli.help.default')}:`)
        .replace(/\(choices:/g, `(${t('cli.help.choices')}:`),
  });
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
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // Commander's own parse errors are English: replace them with ours (see run()).
      outputError: () => {},
    });
  for (const register of [registerKeygen, registerServe, registerCompose, registerSeal, registerSubmit, registerDemo, registerRoutes]) {
    const cmd = register(program, ctx);
    cmd.helpOption('-h, --help', t('cli.opt.help')).exitOverride().configureOutput({ outputError: () => {} });
    localizeHelp(cmd);
  }
  localizeHelp(program);
  return program;
}

function usageMessage(err: CommanderError): string {
  const m = /'([^']+)'/.exec(err.message);
  const what = m?.[1] ?? '';
  switch (err.code) {
    case 'commander.unknownOption':
      return t('cli.usage.unknown-option', { option: what });
    case 'commander.unknownCommand':
      return t('cli.usage.unknown-command', { command: what });
    case 'commander.missingArgument':
      return t('cli.usage.missing-argument', { argument: what });
    case 'commander.optionMissingArgument':
      return t('cli.usage.option-missing-argument', { option: what });
    case 'commander.missingMandatoryOptionValue':
      return t('cli.usage.missing-option', { option: what });
    case 'commander.invalidArgument':
      return t('cli.usage.invalid-argument', { detail: err.message.replace(/^error: /, '') });
    case 'commander.excessArguments':
      return t('cli.usage.excess-arguments');
    default:
      return err.message.replace(/^error: /, '');
  }
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
      if (argv.includes('--json')) {
        const code = err.code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        io.stdout.write(`${JSON.stringify(errorDocument(code, message, t('cli.hint.help')), null, 2)}\n`);
      }
      return EXIT.usage;
    }
    // An option parser's own UsageError (e.g. `--days -1`) is a usage error too, not an internal one.
    if (err instanceof UsageError) return new Output(io, argv.includes('--json')).fail(err);
    throw err;
  }
  return ctx.exit;
}
