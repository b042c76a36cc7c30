/**
 * Commander's own English, in the user's language (issue 7: "commander's own errors" showed in
 * English): its parse errors become our messages, and its help's headings and `<value>`
 * placeholders are translated. Flag names stay as typed.
 */
import { Help, type CommanderError } from 'commander';
import { hasMessage, t } from './index.js';

/** `--name <center name>` or `-h, --help` -> the long flag as typed: `--name`, `--help`. */
function flagOf(spec: string): string {
  const long = spec.split(/[ ,|]+/).find((w) => w.startsWith('--'));
  return long ?? spec.split(' ')[0] ?? spec;
}

/** A command-line argument's name (`file`) as shown: `<文件>` in zh-CN. */
function argumentOf(name: string): string {
  const key = `cli.placeholder.${name.replace(/ /g, '-')}`;
  return `<${hasMessage(key) ? t(key) : name}>`;
}

/** The message for one of commander's parse errors (its English `message`, its `code`). */
export function usageMessage(err: CommanderError): string {
  const quoted = [...err.message.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
  const what = quoted[0] ?? '';
  switch (err.code) {
    case 'commander.unknownOption':
      return t('cli.usage.unknown-option', { option: what });
    case 'commander.unknownCommand':
      return t('cli.usage.unknown-command', { command: what });
    case 'commander.missingArgument':
      return t('cli.usage.missing-argument', { argument: argumentOf(what) });
    case 'commander.optionMissingArgument':
      return t('cli.usage.option-missing-argument', { option: flagOf(what) });
    case 'commander.missingMandatoryOptionValue':
      return t('cli.usage.missing-option', { option: flagOf(what) });
    case 'commander.invalidArgument': {
      // `option '--lang <lang>' argument 'fr' is invalid. Allowed choices are zh-CN, en.`
      const choices = /Allowed choices are (.*)\.$/.exec(err.message)?.[1];
      if (choices !== undefined) return t('cli.usage.bad-choice', { option: flagOf(what), value: quoted[1] ?? '', allowed: choices });
      return t('cli.usage.invalid-argument', { detail: err.message.replace(/^error: /, '') });
    }
    case 'commander.excessArguments':
      return t('cli.usage.excess-arguments');
    default:
      return err.message.replace(/^error: /, '');
  }
}

/** `[options]`, `[command]` and `<value>` placeholders in the user's language (`<dir>` -> `<文件夹>`). */
function placeholders(text: string): string {
  return text
    .replace(/\[options\]/g, `[${t('cli.help.options-word')}]`)
    .replace(/\[command\]/g, `[${t('cli.help.command-word')}]`)
    .replace(/([<[])([A-Za-z][\w :.-]*)([>\]])/g, (m, open: string, name: string, close: string) => {
      const key = `cli.placeholder.${name.replace(/ /g, '-')}`;
      return hasMessage(key) ? `${open}${t(key)}${close}` : m;
    });
}

/** An argument's name as its term in help: `statement` -> `声明`. */
function argumentName(name: string): string {
  const key = `cli.placeholder.${name}`;
  if (hasMessage(key)) return t(key);
  // A variadic argument (`[ids...]`) has its term under `ids...`; the list shows it without the dots.
  return hasMessage(`${key}...`) ? t(`${key}...`).replace(/\.\.\.$/, '') : name;
}

const HELP = Help.prototype;

/**
 * Commander's help in the user's language: the terms are translated before commander lays the
 * columns out, and a CJK character counts two columns, as a terminal shows it.
 */
export const helpConfig: Partial<Help> = {
  optionTerm(option) {
    return placeholders(HELP.optionTerm.call(this, option));
  },
  argumentTerm(argument) {
    return argumentName(HELP.argumentTerm.call(this, argument));
  },
  subcommandTerm(cmd) {
    return placeholders(HELP.subcommandTerm.call(this, cmd));
  },
  commandUsage(cmd) {
    return placeholders(HELP.commandUsage.call(this, cmd));
  },
  optionDescription(option) {
    return HELP.optionDescription
      .call(this, option)
      .replace(/\(default:/g, `(${t('cli.help.default')}:`)
      .replace(/\(choices:/g, `(${t('cli.help.choices')}:`);
  },
  displayWidth(str) {
    return [...str.replace(/\u001b\[[\d;]*m/g, '')].reduce((n, ch) => n + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  },
  formatHelp(cmd, helper) {
    return HELP.formatHelp
      .call(this, cmd, helper)
      .replace(/^Usage:/m, t('cli.help.usage'))
      .replace(/^Arguments:$/m, t('cli.help.arguments'))
      .replace(/^Options:$/m, t('cli.help.options'))
      .replace(/^Commands:$/m, t('cli.help.commands'));
  },
};
