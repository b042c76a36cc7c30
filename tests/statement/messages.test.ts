import { describe, expect, it } from 'vitest';
import { allKeys, hasMessage } from '../../src/cli/i18n/index.js';
import { messages } from '../../src/statement/messages.js';
import { statement } from '../../src/cli/catalog/statement.js';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('statement messages', () => {
  // The module owns its English; the CLI's catalog holds the zh-CN (issue 7, build point 3).
  const en = messages as Record<string, string>;
  const zh = statement['zh-CN'] as Record<string, string>;

  it('have the same keys in English and Chinese, all prefixed statement.', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const k of Object.keys(en)) expect(k).toMatch(/^statement\.[a-z0-9.-]+$/);
    expect(Object.keys(en).length).toBeGreaterThan(30);
  });

  it('use the same placeholders in both languages', () => {
    for (const k of Object.keys(en)) expect(placeholders(zh[k]!), k).toEqual(placeholders(en[k]!));
  });

  it('are translated: Chinese texts contain Chinese and differ from the English', () => {
    for (const k of Object.keys(en)) {
      expect(zh[k], k).toMatch(/\p{Script=Han}/u);
      expect(zh[k], k).not.toBe(en[k]);
      expect(en[k], k).not.toMatch(/\p{Script=Han}/u);
    }
  });

  it('follow the CLI style: lowercase start, no final period', () => {
    for (const k of Object.keys(en)) {
      expect(en[k], k).not.toMatch(/[.。]$/);
      expect(zh[k], k).not.toMatch(/[.。]$/);
      expect(en[k]![0], k).not.toMatch(/[A-Z]/);
    }
  });

  it('are registered in the shared catalog', () => {
    const keys = new Set(allKeys());
    for (const k of Object.keys(en)) {
      expect(keys.has(k), k).toBe(true);
      expect(hasMessage(k)).toBe(true);
    }
  });
});
