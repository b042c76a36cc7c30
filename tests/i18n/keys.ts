/**
 * The message keys the sources use, found by reading them (tests/i18n/catalog.test.ts): string
 * literals that name a key, and template keys (`cli.outcome.${word}`) expanded over the values each
 * template can take. A template not listed in TEMPLATES fails the test: whoever adds one says here
 * which values it takes (issue 7, build point 3: "template keys included").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArmorProblemCode } from '../../src/crypto/armor.js';
import { ROUTE_OUTCOMES } from '../../src/error-codes.js';
import { messages as statementMessages } from '../../src/statement/messages.js';
import type { LeftOutReason, RouteSource } from '../../src/transport/routes/sources.js';

export const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Every .ts file under `dir`. */
export function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The files that define texts rather than use keys: every messages.ts and the CLI's catalogs. */
const isCatalog = (f: string): boolean => f.endsWith('/messages.ts') || f.includes('/cli/catalog/');

/** `values` typed so that leaving out a member of the union `T` does not compile. */
function every<T extends string>() {
  return <const A extends readonly T[]>(values: A & ([T] extends [A[number]] ? unknown : never)): readonly string[] => values;
}

const read = (f: string): string => readFileSync(f, 'utf8');
const code = (): { file: string; text: string }[] => sources().filter((f) => !isCatalog(f)).map((file) => ({ file, text: read(file) }));
const literalsIn = (text: string): string[] => [...text.matchAll(/'([^'\\\n]*)'/g)].map((m) => m[1]!);

/** Codes the intake answers with (`fail(res, 400, 'bad-token')`, `rawAnswer(408, 'timeout')`, an envelope's shape). */
function centerCodes(): string[] {
  const text = sources(join(SRC, 'center')).map(read).join('\n');
  const found = [...text.matchAll(/(?:fail\(res, \d+|rawAnswer\(\d+|\[\d{3}), '([\w-]+)'/g)].map((m) => m[1]!);
  return [...new Set([...found, 'bad-version', 'bad-length'])];
}

/**
 * The rules validate.ts and compose.ts report (`c.add(p, 'enum')`, `flagError('--orgs', 'empty')`):
 * their literals that name a rule. A rule outside the messages does not compile (`Rule` is their type),
 * so this side only finds the rules no check uses.
 */
function statementRules(): string[] {
  const text = ['validate.ts', 'compose.ts'].map((f) => read(join(SRC, 'statement', f))).join('\n');
  return [...new Set(literalsIn(text).filter((s) => Object.hasOwn(statementMessages, `statement.rule.${s}`)))];
}

/**
 * The `<value>` placeholders of the CLI's flags and arguments (`--out <dir>`, `argument('<file>')`);
 * `YYYY-MM-DD` is a format, shown as written.
 */
function placeholders(): string[] {
  const text = sources(join(SRC, 'cli')).map(read).join('\n');
  const found = [...text.matchAll(/'--[a-z-]+ <([^>]+)>'|argument\('[<[]([^>\]]+)[>\]]'/g)].map((m) => (m[1] ?? m[2])!.replace(/ /g, '-'));
  return [...new Set(found)].filter((p) => p !== 'YYYY-MM-DD');
}

/** Template key (its `${…}` written `*`) -> the values it takes. */
export const TEMPLATES: Readonly<Record<string, () => readonly string[]>> = {
  'crypto.armor.*': () => every<ArmorProblemCode>()(['bad-base64', 'bad-length', 'bad-version', 'truncated']),
  'center.error.*': centerCodes,
  'cli.outcome.*': () => ROUTE_OUTCOMES,
  'cli.routes.source.*': () => every<RouteSource>()(['arg', 'route-list', 'center-file', 'proxy', 'env']),
  'cli.routes.left.*': () => every<LeftOutReason>()(['loopback-proxy', 'no-env-proxy']),
  'cli.routes.outcome.*': () => ['ok', 'bad-list', 'bad-answer', 'fetched'],
  'cli.routes.*.description': () => ['list', 'test', 'update', 'sign', 'import'],
  'cli.routes.opt.*-timeout': () => ['test', 'update'],
  'cli.placeholder.*': placeholders,
  'transport.envelope-*': () => ['bad-version', 'bad-length'],
  'statement.rule.*': statementRules,
  // errors.ts's default key `error.<code>`: every error class in src/ passes its own key.
  'error.*': () => [],
};

const PREFIX = /^(?:statement|crypto|transport|center|cli|error|value)\.[a-z]/;

export interface Uses {
  /** Keys named by a string literal anywhere in the code (any string that is a catalog key). */
  readonly literal: Set<string>;
  /** Keys named in a key position (`key: '…'`, `t('…'`, `out.hint('…'`, …), with the file. */
  readonly named: { key: string; file: string }[];
  /** Template keys found, `*` for the substitution, with the file. */
  readonly templates: { template: string; file: string }[];
}

export function uses(isKey: (s: string) => boolean): Uses {
  const literal = new Set<string>();
  const named: Uses['named'] = [];
  const templates: Uses['templates'] = [];
  for (const { file, text } of code()) {
    for (const s of literalsIn(text)) if (isKey(s)) literal.add(s);
    const at = /\b(?:key: |t\(|englishText\(|hasMessage\(|statementError\([^,]+, |lineError\([^,]+, |out\.(?:error|warning|hint|info)\(|(?:error|warning|hint|info)\()'([^']+)'/g;
    for (const m of text.matchAll(at)) if (PREFIX.test(m[1]!)) named.push({ key: m[1]!, file: file.slice(SRC.length) });
    for (const m of text.matchAll(/`([a-z][\w.-]*\$\{[^}`]+\}[\w.-]*)`/g)) {
      const template = m[1]!.replace(/\$\{[^}]+\}/, '*');
      if (PREFIX.test(template) && !file.endsWith('/statement/messages.ts')) templates.push({ template, file: file.slice(SRC.length) });
    }
  }
  return { literal, named, templates };
}

/** The keys a template takes: `cli.outcome.*` over its values. */
export function expand(template: string): string[] {
  const values = TEMPLATES[template]?.() ?? [];
  return values.map((v) => template.replace('*', v));
}
