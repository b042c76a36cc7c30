/**
 * The statement as a person reads it before saying yes (issue 8, build point 4: "then show the
 * statement and ask for confirmation"), in the user's language. It is drawn from the validated
 * Statement itself, so what is shown is exactly what is sealed (defaults such as the date included).
 */
import { t, valueText, type Lang, getLang } from '../i18n/index.js';
import { countryName, provinceName, type Statement } from '../../statement/index.js';
import { orgChoices } from './choices.js';

const colon = (lang: Lang) => (lang === 'zh-CN' ? '：' : ': ');
const paren = (s: string, lang: Lang) => (lang === 'zh-CN' ? `（${s}）` : ` (${s})`);

export function reviewText(st: Statement, lang: Lang = getLang()): string {
  const c = colon(lang);
  const sep = lang === 'zh-CN' ? '、' : ', ';
  const orgName = new Map(orgChoices(lang).map((o) => [o.value, o.short]));
  const kind = t(st.people[0]?.realName === true ? 'cli.wizard.f.real' : 'cli.wizard.f.alias', {}, lang);
  const rows: [string, string][] = [
    ['cli.wizard.f.names', `${st.people.map((p) => p.name).join(sep)}${paren(kind, lang)}`],
    ['cli.wizard.f.orgs', (st.people[0]?.orgs ?? []).map((o) => orgName.get(o) ?? o).join(sep)],
    ['cli.wizard.f.country', `${countryName(st.region.country, lang) ?? st.region.country}${paren(st.region.country, lang)}`],
  ];
  if (st.region.province !== undefined) rows.push(['cli.wizard.f.province', `${provinceName(st.region.province, 'zh-CN')}${paren(st.region.province, lang)}`]);
  if (st.region.city !== undefined) rows.push(['cli.wizard.f.city', st.region.city]);
  if (st.sector !== undefined) rows.push(['cli.wizard.f.sector', valueText(st.sector, lang)]);
  rows.push(['cli.wizard.f.channel', valueText(st.channel, lang)], ['cli.wizard.f.date', st.date]);
  rows.push(['cli.wizard.f.publish', t(st.publish === true ? 'cli.wizard.yes' : 'cli.wizard.no', {}, lang)]);
  const lines = rows.map(([k, v]) => `  ${t(k, {}, lang)}${c}${v}`);
  if (st.text !== undefined) lines.push(`  ${t('cli.wizard.f.text', {}, lang)}${c}`, ...st.text.split('\n').map((l) => `    ${l}`));
  return `${t('cli.wizard.review-title', {}, lang)}\n${lines.join('\n')}\n`;
}
