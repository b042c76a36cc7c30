/** Shared statements for the statement tests (not a test file itself). */
import type { Statement } from '../../src/statement/index.js';

/** The fixed "day of opening" every test validates against, so no test depends on the clock. */
export const TODAY = '2026-11-28';

/** A valid statement with every optional field present. */
export function full(): Statement {
  return {
    v: 1,
    kind: 'withdrawal',
    id: '0123456789abcdef0123456789abcdef',
    tagKey: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
    people: [
      { name: '张三', realName: true, orgs: ['CCP', 'CYL'] },
      { name: 'Li Si', orgs: ['CYP'] },
    ],
    group: { id: 'fedcba9876543210fedcba9876543210', part: 1, parts: 2 },
    region: { country: 'CN', province: '440000', city: '深圳' },
    sector: 'education',
    channel: 'internet',
    date: '2026-11-27',
    text: '我声明退出。\n第二行',
    publish: false,
    lang: 'zh-CN',
  };
}

/** A valid statement with only the required fields. */
export function minimal(): Statement {
  return {
    v: 1,
    kind: 'withdrawal',
    id: '00000000000000000000000000000000',
    tagKey: '//////////////////////////////////////////8=',
    people: [{ name: 'a', orgs: ['CCP'] }],
    region: { country: 'HK' },
    channel: 'paper',
    date: '2004-12-03',
  };
}

/** A deep copy as a loose JSON-like value, for mutating in tests. */
export function loose(st: Statement): Record<string, any> {
  return JSON.parse(JSON.stringify(st)) as Record<string, any>;
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
