/**
 * The interactive compose (issue 8, build point 4): on a terminal, `compose` and `submit` without
 * a statement ask for it step by step in the user's language, show it, and ask for confirmation.
 * The answers become the compose flags and go through the very function the flags do
 * (`statementFromFlags`), so the same answers make the same statement (apart from the random id
 * and tag key). Nothing is written anywhere: prompts draw on stderr, the statement stays in memory
 * (spec 9).
 */
import { t } from '../i18n/index.js';
import { InputError } from '../../errors.js';
import { LIMITS, type Statement } from '../../statement/index.js';
import type { Output } from '../output.js';
import type { ComposeFlags } from '../statement-input.js';
import { aborted, answer, promptContext } from './abort.js';
import { orgChoices, searchCountries, searchProvinces, sectorChoices } from './choices.js';
import { reviewText } from './review.js';
import { theme } from './theme.js';

type Prompts = typeof import('@inquirer/prompts');
type Build = (flags: ComposeFlags) => Statement;

/** The answers so far; a second round ("change my answers") starts from them. */
interface Answers {
  realName: boolean;
  names: string[];
  orgs: string[];
  country: string;
  province?: string;
  city: string;
  sector: string;
  text: string[];
  publish: boolean;
}

const NL = '\n';

/** A field that passes every other check, so that a probe fails only for the field asked. */
const PROBE: ComposeFlags = { name: ['a'], orgs: 'CYL', country: 'HK' };

/**
 * Checks one answer with the statement's own rules (wire spec 2), through `build`: true, or the
 * rule's message naming the field as the question does (`姓名 最多只能有 64 个字符`).
 */
function checker(build: Build) {
  return (flag: string, fields: ComposeFlags, label: string): true | string => {
    try {
      build({ ...PROBE, ...fields });
      return true;
    } catch (err) {
      if (err instanceof InputError && err.field === flag) return t(err.key, { ...err.params, field: t(label) });
      throw err;
    }
  };
}

/** Answers as the compose flags: empty optional answers are left out, as flags not given. */
function toFlags(a: Answers): ComposeFlags {
  return {
    name: a.names,
    orgs: a.orgs.join(','),
    country: a.country,
    ...(a.realName ? { realName: true } : {}),
    ...(a.province !== undefined ? { province: a.province } : {}),
    ...(a.city !== '' ? { city: a.city } : {}),
    ...(a.sector !== '' ? { sector: a.sector } : {}),
    ...(a.text.length > 0 ? { text: a.text.join('\n') } : {}),
    ...(a.publish ? { publish: true } : {}),
  };
}

/** A previous answer put back in the line to edit (Enter keeps it). */
const editable = (v: string | undefined) => (v === undefined || v === '' ? {} : { default: v, prefill: 'editable' as const });

async function askOnce(p: Prompts, ctx: ReturnType<typeof promptContext>, build: Build, prev: Answers | undefined): Promise<Answers> {
  const th = theme();
  const check = checker(build);
  const nameOk = (v: string) => check('--name', { name: [v] }, 'cli.wizard.label.name');

  const realName = await answer(p.select({ message: t('cli.wizard.name-kind'), choices: [{ value: false, name: t('cli.wizard.alias') }, { value: true, name: t('cli.wizard.real') }], default: prev?.realName ?? false, theme: th }, ctx));
  const first = await answer(p.input({ message: t(realName ? 'cli.wizard.real-name' : 'cli.wizard.alias-name'), ...editable(prev?.names[0]), validate: nameOk, theme: th }, ctx));
  const names = [first];
  if (await answer(p.confirm({ message: t('cli.wizard.more-people'), default: (prev?.names.length ?? 1) > 1, theme: th }, ctx))) {
    while (names.length < LIMITS.people) {
      const n = names.length + 1;
      const v = await answer(p.input({ message: t('cli.wizard.person-n', { n }), ...editable(prev?.names[n - 1]), validate: (s) => s.trim() === '' || nameOk(s), theme: th }, ctx));
      if (v.trim() === '') break;
      names.push(v);
    }
  }

  const was = new Set(prev?.orgs ?? []);
  const orgs = await answer(
    p.checkbox({
      message: t('cli.wizard.orgs'),
      choices: orgChoices().map((c) => ({ ...c, checked: was.has(c.value) })),
      shortcuts: { all: null, invert: null },
      validate: (sel) => sel.length > 0 || t('cli.wizard.orgs-required'),
      theme: th,
    }, ctx),
  );

  const country = await answer(p.search({ message: t('cli.wizard.country'), source: (term) => searchCountries(term), default: prev?.country ?? 'CN', pageSize: 8, theme: th }, ctx));
  const province = country !== 'CN' ? undefined : await answer(p.search({ message: t('cli.wizard.province'), source: (term) => searchProvinces(term), ...(prev?.province !== undefined ? { default: prev.province } : {}), pageSize: 8, theme: th }, ctx));
  const city = (await answer(p.input({ message: t('cli.wizard.city'), ...editable(prev?.city), validate: (v) => v.trim() === '' || check('--city', { city: v }, 'cli.wizard.label.city'), theme: th }, ctx))).trim();
  const sector = await answer(p.select({ message: t('cli.wizard.sector'), choices: sectorChoices(), default: prev?.sector ?? '', pageSize: 8, theme: th }, ctx));

  // Several lines without $EDITOR (issue 8: most users are not command line people): one line a
  // prompt, an empty line ends the text, as in a mail program.
  const text: string[] = [];
  const textOk = (s: string) => s === '' || check('--text', { text: [...text, s].join(NL) }, 'cli.wizard.label.text');
  for (;;) {
    const n = text.length + 1;
    const message = n === 1 ? t('cli.wizard.text') : t('cli.wizard.text-more', { n });
    const v = await answer(p.input({ message, ...editable(prev?.text[n - 1]), validate: textOk, theme: th }, ctx));
    if (v === '') break;
    text.push(v);
  }

  const publish = await answer(p.confirm({ message: t('cli.wizard.publish'), default: prev?.publish ?? false, theme: th }, ctx));
  return { realName, names, orgs, country, ...(province !== undefined ? { province } : {}), city, sector, text, publish };
}

/**
 * Asks for a statement on the terminal of `out.io.stdin`, shows it and asks for confirmation;
 * "change my answers" asks again with the previous answers filled in.
 * @param build the flags' own path from answers to a statement (`statementFromFlags`).
 * @throws UsageError `aborted` (exit 1) on Ctrl-C, Ctrl-D or "cancel"; nothing was written.
 */
export async function askStatement(out: Output, build: Build): Promise<Statement> {
  const p = await import('@inquirer/prompts');
  const ctx = promptContext(out);
  out.hint('cli.wizard.intro');
  let prev: Answers | undefined;
  for (;;) {
    const answers = await askOnce(p, ctx, build, prev);
    const st = build(toFlags(answers));
    out.io.stderr.write(`\n${reviewText(st)}\n`);
    const choice = await answer(
      p.select({
        message: t('cli.wizard.review'),
        choices: [
          { value: 'ok', name: t('cli.wizard.review-ok') },
          { value: 'edit', name: t('cli.wizard.review-edit') },
          { value: 'cancel', name: t('cli.wizard.review-cancel') },
        ],
        theme: theme(),
      }, ctx),
    );
    if (choice === 'ok') return st;
    if (choice === 'cancel') throw aborted();
    prev = answers;
  }
}
