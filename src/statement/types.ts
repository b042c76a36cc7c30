/**
 * The typed model of a statement, the plaintext sealed in an envelope (wire spec 2). Values of these
 * types are what `validateStatement`, `parseStatement` and `composeStatement` return: every field has
 * passed the checks of spec 2, so code downstream (sealing, the tally) never re-checks them.
 */
import type { CountryCode } from './countries.js';
import type { ProvinceCode } from './provinces.js';

export type { CountryCode } from './countries.js';
export type { ProvinceCode } from './provinces.js';

/** The organisations a person can leave (spec 2, `people[].orgs`): the Party, the Youth League, the Young Pioneers. */
export const ORGS = ['CCP', 'CYL', 'CYP'] as const;
/** One of {@link ORGS}. */
export type Org = (typeof ORGS)[number];

/** Spec 2, `sector`. The order is the spec's; the tally sorts by byte order itself (spec 8). */
export const SECTORS = [
  'government',
  'public-security',
  'discipline-inspection',
  'peoples-congress',
  'party-committee',
  'court',
  'procuratorate',
  'state-security',
  'state-council',
  'central-government',
  'military',
  'education',
  'enterprise',
  'other',
] as const;
/** One of {@link SECTORS}. */
export type Sector = (typeof SECTORS)[number];

/** Spec 2, `channel`: how the statement reached the sealer. */
export const CHANNELS = ['internet', 'phone', 'fax', 'email', 'paper', 'in-person', 'relay'] as const;
/** One of {@link CHANNELS}. */
export type Channel = (typeof CHANNELS)[number];

/** One person who leaves: `name` is 1..64 code points; `realName` absent means false (an alias). */
export interface Person {
  name: string;
  realName?: boolean;
  /** Non-empty, no duplicates. */
  orgs: Org[];
}

/** A group split over several envelopes (spec 2): `1 <= part <= parts`, integers. */
export interface Group {
  /** 32 lowercase hex digits, shared by all parts. */
  id: string;
  part: number;
  parts: number;
}

/** `province` is present if and only if `country` is `CN` (spec 2). */
export interface Region {
  country: CountryCode;
  province?: ProvinceCode;
  /** At most 64 code points, no control characters. */
  city?: string;
}

/** A validated statement (spec 2). Optional fields are absent, never `undefined`, in values this module returns. */
export interface Statement {
  v: 1;
  kind: 'withdrawal';
  /** 32 lowercase hex digits; the same on every retry or re-seal. */
  id: string;
  /** base64 (with padding) of 32 random bytes: 44 characters. */
  tagKey: string;
  /** 1..250 people. */
  people: Person[];
  group?: Group;
  region: Region;
  sector?: Sector;
  channel: Channel;
  /** `YYYY-MM-DD`, not before 2004-12-03 and not after the day of opening + 1. */
  date: string;
  /** At most 4000 code points; newline is the only control character allowed. */
  text?: string;
  /** Consent to publish names and text; absent means false. */
  publish?: boolean;
  /** BCP 47 tag of `text`. */
  lang?: string;
}

/** Wire-spec constants of section 2, in one place for validation, composing and tests. */
export const LIMITS = {
  people: 250,
  name: 64,
  city: 64,
  text: 4000,
  /** Spec 2: no statement is dated before this day. */
  firstDate: '2004-12-03',
} as const;
