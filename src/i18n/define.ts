/**
 * Message catalogs: every user-facing text exists in English and zh-CN. Each module keeps its
 * own messages file built with `defineMessages`, whose types make a missing translation a compile
 * error. `{name}` placeholders are filled from params.
 */
export type Lang = 'en' | 'zh-CN';

export interface Messages<K extends string = string> {
  readonly en: Readonly<Record<K, string>>;
  readonly 'zh-CN': Readonly<Record<K, string>>;
}

export function defineMessages<const E extends Record<string, string>>(
  en: E,
  zh: { readonly [K in keyof E]: string },
): Messages<Extract<keyof E, string>> {
  return { en, 'zh-CN': zh } as Messages<Extract<keyof E, string>>;
}
