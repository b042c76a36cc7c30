/**
 * Message catalogs of the CLI: every user-facing text exists in English and zh-CN. The lower layers
 * keep their English tables (src/<module>/messages.ts); the CLI adds the zh-CN of each with
 * `translate`, and keeps its own texts in both languages with `defineMessages`. The types make a
 * missing or extra translation a compile error (issue 7, build point 3). `{name}` placeholders are
 * filled from params.
 */
export type Lang = 'en' | 'zh-CN';

export interface Messages<K extends string = string> {
  readonly en: Readonly<Record<K, string>>;
  readonly 'zh-CN': Readonly<Record<K, string>>;
}

/** Texts the CLI owns, in both languages. */
export function defineMessages<const E extends Record<string, string>>(
  en: E,
  zh: { readonly [K in keyof E]: string },
): Messages<Extract<keyof E, string>> {
  return { en, 'zh-CN': zh } as Messages<Extract<keyof E, string>>;
}

/** A lower layer's English table and its zh-CN, which must name exactly the same keys. */
export function translate<const E extends Readonly<Record<string, string>>>(
  en: E,
  zh: { readonly [K in keyof E]: string },
): Messages<Extract<keyof E, string>> {
  return { en, 'zh-CN': zh } as Messages<Extract<keyof E, string>>;
}
