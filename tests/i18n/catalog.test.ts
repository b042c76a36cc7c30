import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allKeys, detectLang, hasMessage, t } from '../../src/i18n/index.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it('every message exists in English and zh-CN with the same placeholders, and the Chinese is not a copy', () => {
    const keys = allKeys();
    expect(keys.length).toBeGreaterThan(150);
    for (const k of keys) {
      const en = t(k, {}, 'en');
      const zh = t(k, {}, 'zh-CN');
      expect(placeholders(zh), k).toEqual(placeholders(en));
      if (/[a-z]{4,}/i.test(en.replace(/\{\w+\}|--[\w-]+|[A-Z]{2,}|https?:\S+|\S+\.\S+/g, '')) && !k.endsWith('sample-name')) {
        expect(/[\u4e00-\u9fff]/.test(zh), `${k} has no Chinese text: ${zh}`).toBe(true);
      }
    }
  });

  it('every message key named in the sources exists', () => {
    const missing: string[] = [];
    for (const f of sources(SRC)) {
      if (f.endsWith('messages.ts') || f.includes('/i18n/')) continue;
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\b(?:key: |t\(|out\.(?:error|warning|hint|info)\()'([a-z][\w.-]+)'/g)) {
        if (!hasMessage(m[1]!)) missing.push(`${m[1]} (${f.slice(SRC.length)})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('picks the language from --lang, then LC_ALL, LC_MESSAGES, LANG', () => {
    expect(detectLang('zh-CN', { LANG: 'en_US.UTF-8' })).toBe('zh-CN');
    expect(detectLang(undefined, { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US' })).toBe('zh-CN');
    expect(detectLang(undefined, { LC_MESSAGES: 'zh_TW.UTF-8' })).toBe('zh-CN');
    expect(detectLang(undefined, { LC_ALL: 'C', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(detectLang(undefined, {})).toBe('en');
  });
});
