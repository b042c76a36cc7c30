import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { allKeys, describeError, detectLang, hasMessage, outcomeText, t, valueText } from '../../src/cli/i18n/index.js';
import { catalogs } from '../../src/cli/catalog/index.js';
import { REASONS, reasonZh } from '../../src/cli/catalog/reasons.js';
import { CHANNELS, ORGS, SECTORS } from '../../src/statement/types.js';
import { ROUTE_OUTCOMES } from '../../src/error-codes.js';
import { InputError, RouteError } from '../../src/errors.js';
import { expand, sources, SRC, TEMPLATES, uses } from './keys.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const keys = new Set(allKeys());

describe('message catalogs', () => {
  it('every message exists in English and zh-CN with the same placeholders, and the Chinese is not a copy', () => {
    expect(keys.size).toBeGreaterThan(150);
    for (const c of catalogs) expect(Object.keys(c['zh-CN']).sort()).toEqual(Object.keys(c.en).sort());
    for (const k of keys) {
      const en = t(k, {}, 'en');
      const zh = t(k, {}, 'zh-CN');
      expect(placeholders(zh), k).toEqual(placeholders(en));
      if (/[a-z]{4,}/i.test(en.replace(/\{\w+\}|--[\w-]+|[A-Z]{2,}|https?:\S+|\S+\.\S+/g, '')) && !k.endsWith('sample-name')) {
        expect(/[\u4e00-\u9fff]/.test(zh), `${k} has no Chinese text: ${zh}`).toBe(true);
      }
    }
  });

  it('no key is defined twice across catalogs', () => {
    const seen = catalogs.flatMap((c) => Object.keys(c.en));
    expect(seen.length).toBe(new Set(seen).size);
  });

  it('every template key in the sources has its values listed, and each value makes a key that exists', () => {
    const u = uses(() => false);
    const unlisted = u.templates.filter((x) => !(x.template in TEMPLATES)).map((x) => `${x.template} (${x.file})`);
    expect(unlisted, 'list the values of these template keys in tests/i18n/keys.ts').toEqual([]);
    const missing = [...new Set(u.templates.flatMap((x) => expand(x.template)))].filter((k) => !hasMessage(k));
    expect(missing).toEqual([]);
  });

  it('every key named in the sources exists', () => {
    const u = uses((s) => keys.has(s));
    const missing = u.named.filter((n) => !hasMessage(n.key)).map((n) => `${n.key} (${n.file})`);
    expect(missing).toEqual([]);
  });

  it('every key is used somewhere: by name, by a template, or as an enum value', () => {
    const u = uses((s) => keys.has(s));
    const used = new Set([...u.literal, ...u.templates.flatMap((x) => expand(x.template))]);
    const unused = [...keys].filter((k) => !used.has(k) && !k.startsWith('value.'));
    expect(unused).toEqual([]);
  });

  it('the names of enum values are exactly the statement\'s sectors, channels and orgs and the route kinds', () => {
    const named = [...keys].filter((k) => k.startsWith('value.')).sort();
    const expected = [
      ...SECTORS.map((v) => `value.sector.${v}`),
      ...CHANNELS.map((v) => `value.channel.${v}`),
      ...ORGS.map((v) => `value.org.${v}`),
      ...['direct', 'mirror', 'http-proxy', 'socks'].map((v) => `value.kind.${v}`),
    ].sort();
    expect(named).toEqual(expected);
  });

  it('every outcome word has a meaning in both languages; zh-CN shows no English word, English keeps the word', () => {
    for (const w of [...ROUTE_OUTCOMES, 'http-503']) {
      expect(outcomeText(w, 'en')).toMatch(new RegExp(`^${w} \\(.+\\)$`));
      expect(outcomeText(w, 'zh-CN'), w).toMatch(/\p{Script=Han}/u);
      expect(outcomeText(w, 'zh-CN'), w).not.toMatch(/[a-z]{3,}/);
    }
  });

  it('shows enum values in zh-CN with their names, keeping the value to type', () => {
    expect(valueText('education', 'zh-CN')).toBe('教育（education）');
    expect(valueText('education', 'en')).toBe('education');
    const e = new InputError('invalid-statement', 'x', { key: 'statement.rule.enum', params: { field: '--channel', allowed: CHANNELS.join(', ') } });
    expect(describeError(e, 'zh-CN')).toContain('互联网（internet）、电话（phone）');
    expect(describeError(e, 'en')).toContain('internet, phone, fax');
    expect(describeError(new RouteError('refused', 'blocked', 'x'), 'zh-CN')).toBe('线路失败：连接被拒绝');
  });

  it('has a zh-CN rule for every reason the sources write into a {why}', () => {
    const untranslated: string[] = [];
    for (const f of sources()) {
      if (f.includes('/cli/catalog/')) continue;
      const text = readFileSync(f, 'utf8');
      const calls = /\b(?:bad|badList|fail)\((?:id, |[a-z]+, )?('([^'\n]+)'|`([^`\n]+)`)|\bwhy: ('([^'\n]+)'|`([^`\n]+)`)/g;
      for (const m of text.matchAll(calls)) {
        const raw = m[2] ?? m[3] ?? m[5] ?? m[6] ?? '';
        const sample = raw.replace(/\$\{[^}]+\}/g, '1');
        if (!REASONS.some(([re]) => re.test(sample))) untranslated.push(`${raw} (${f.slice(SRC.length)})`);
      }
    }
    expect(untranslated).toEqual([]);
    expect(reasonZh('route arg-1: bad url')).toBe('线路 arg-1：地址无效');
    expect(reasonZh('logKey is not named c.example/log')).toBe('logKey 的名称不是 c.example/log');
  });

  it('picks the language from --lang, then LANGUAGE, LC_ALL, LC_MESSAGES, LANG (gettext order)', () => {
    expect(detectLang('zh-CN', { LANG: 'en_US.UTF-8' })).toBe('zh-CN');
    expect(detectLang(undefined, { LANGUAGE: 'zh_CN:en', LC_ALL: 'en_US.UTF-8' })).toBe('zh-CN');
    expect(detectLang(undefined, { LANGUAGE: 'fr:en', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(detectLang(undefined, { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US' })).toBe('zh-CN');
    expect(detectLang(undefined, { LC_MESSAGES: 'zh_TW.UTF-8' })).toBe('zh-CN');
    expect(detectLang(undefined, { LC_ALL: 'C', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(detectLang(undefined, {})).toBe('en');
  });

  it('the lower layers import no catalog and no other language: messages flow down (issue 7)', () => {
    const lower = sources().filter((f) => /\/src\/(?:statement|crypto|transport|outbox|center|util)\//.test(f) || f.endsWith('/src/errors.ts') || f.endsWith('/src/english.ts'));
    for (const f of lower) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(/from '[./]*(?:\.\.\/)?(?:i18n|cli)\//);
      if (f.endsWith('messages.ts')) expect(text, f).not.toMatch(/\p{Script=Han}/u);
    }
  });
});
