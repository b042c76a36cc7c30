import { describe, expect, it } from 'vitest';
import {
  COUNTRIES,
  COUNTRY_CODES,
  countryName,
  findCountry,
  findProvince,
  isCountryCode,
  isProvinceCode,
  PROVINCE_CODES,
  provinceName,
} from '../../src/statement/index.js';

// Copied from wire spec 2, word for word.
const SPEC_PROVINCES =
  '110000 120000 130000 140000 150000 210000 220000 230000 310000 320000 330000 340000 350000 360000 370000 410000 420000 430000 440000 450000 460000 500000 510000 520000 530000 540000 610000 620000 630000 640000 650000';

describe('provinces (GB/T 2260)', () => {
  it('are exactly the 31 codes of spec 2', () => {
    expect(PROVINCE_CODES).toEqual(SPEC_PROVINCES.split(' '));
    expect(PROVINCE_CODES).toHaveLength(31);
  });

  it('isProvinceCode accepts those strings only', () => {
    for (const c of SPEC_PROVINCES.split(' ')) expect(isProvinceCode(c)).toBe(true);
    for (const c of ['810000', '820000', '710000', '440300', '11000', '1100000', 'toString', '__proto__', 110000, null]) {
      expect(isProvinceCode(c), String(c)).toBe(false);
    }
  });

  it('have official Chinese and English names', () => {
    expect(provinceName('110000', 'zh-CN')).toBe('北京市');
    expect(provinceName('110000')).toBe('Beijing');
    expect(provinceName('650000', 'zh-CN')).toBe('新疆维吾尔自治区');
    expect(provinceName('650000', 'en')).toBe('Xinjiang');
    expect(provinceName('140000')).toBe('Shanxi');
    expect(provinceName('610000')).toBe('Shaanxi');
    expect(provinceName('810000')).toBeUndefined();
    const zh = PROVINCE_CODES.map((c) => provinceName(c, 'zh-CN')!);
    expect(new Set(zh).size).toBe(31);
    for (const n of zh) expect(n).toMatch(/^\p{Script=Han}+(省|市|自治区)$/u);
  });

  it('are found by code, Chinese name with or without suffix, or English name in any case', () => {
    expect(findProvince('440000')).toBe('440000');
    expect(findProvince('广东省')).toBe('440000');
    expect(findProvince('广东')).toBe('440000');
    expect(findProvince('  guangdong ')).toBe('440000');
    expect(findProvince('Inner  Mongolia')).toBe('150000');
    expect(findProvince('内蒙古')).toBe('150000');
    expect(findProvince('陕西')).toBe('610000');
    expect(findProvince('山西')).toBe('140000');
    expect(findProvince('Tibet')).toBe('540000');
    expect(findProvince('Xizang')).toBe('540000');
    for (const c of PROVINCE_CODES) {
      expect(findProvince(provinceName(c, 'zh-CN')!)).toBe(c);
      expect(findProvince(provinceName(c, 'en')!.toUpperCase())).toBe(c);
    }
    for (const bad of ['', 'Shan', '香港', 'Hong Kong', '810000', 'constructor']) expect(findProvince(bad), bad).toBeUndefined();
  });
});

describe('countries (ISO 3166-1 alpha-2)', () => {
  it('are the 249 officially assigned codes, upper case', () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    for (const c of COUNTRY_CODES) expect(c).toMatch(/^[A-Z]{2}$/);
    for (const c of ['CN', 'HK', 'MO', 'TW', 'US', 'GB', 'AQ', 'BQ', 'SS', 'SX', 'CW', 'BL', 'MF', 'AX', 'UM']) {
      expect(isCountryCode(c), c).toBe(true);
    }
    // user-assigned, exceptionally reserved or withdrawn codes are not countries
    for (const c of ['XK', 'EU', 'UK', 'AN', 'CS', 'YU', 'ZZ', 'cn', 'Cn', 'CHN', 'constructor', 1]) {
      expect(isCountryCode(c), String(c)).toBe(false);
    }
  });

  it('names HK, MO, TW and CN as this project does', () => {
    expect([countryName('HK'), countryName('HK', 'zh-CN')]).toEqual(['Hong Kong', '中国香港']);
    expect([countryName('MO'), countryName('MO', 'zh-CN')]).toEqual(['Macao', '中国澳门']);
    expect([countryName('TW'), countryName('TW', 'zh-CN')]).toEqual(['Taiwan', '台湾']);
    expect([countryName('CN'), countryName('CN', 'zh-CN')]).toEqual(['China', '中国']);
    expect(countryName('XK')).toBeUndefined();
  });

  it('have a distinct non-empty name in each language', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const names = COUNTRY_CODES.map((c) => countryName(c, lang)!);
      for (const n of names) expect(n.length).toBeGreaterThan(1);
      expect(new Set(names).size).toBe(249);
    }
    for (const c of COUNTRY_CODES) expect(countryName(c, 'zh-CN')).toMatch(/\p{Script=Han}/u);
    expect(Object.keys(COUNTRIES)).toHaveLength(249);
  });

  it('are found by code in any case or by name', () => {
    expect(findCountry('cn')).toBe('CN');
    expect(findCountry(' hk ')).toBe('HK');
    expect(findCountry('Hong Kong')).toBe('HK');
    expect(findCountry('香港')).toBe('HK');
    expect(findCountry('中国香港')).toBe('HK');
    expect(findCountry('台灣')).toBe('TW');
    expect(findCountry('Macau')).toBe('MO');
    expect(findCountry('united states')).toBe('US');
    expect(findCountry('中国')).toBe('CN');
    expect(findCountry('ＣＮ')).toBe('CN'); // full-width letters from a Chinese keyboard
    for (const bad of ['', 'XK', 'Atlantis', 'CHN']) expect(findCountry(bad), bad).toBeUndefined();
  });
});
