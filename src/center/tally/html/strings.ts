/**
 * The words of `report.html` in both of its languages, in one table (issue 10, point 3). The report
 * is a published document, not CLI output, so its text lives here beside its template rather than
 * in the CLI's catalogs (src/cli is not even shipped to the center's package); the sector and
 * organisation names are the same as src/cli/catalog/values.ts (a test checks that they agree).
 */
import type { Area } from '../report.js';

/** The report's two languages: zh-CN first (the readers the figures are about), then English. */
export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

type Pair = { readonly 'zh-CN': string; readonly en: string };

const TEXT = {
  'title': { 'zh-CN': '三退统计报告', en: 'Withdrawal tally report' },
  'switch.label': { 'zh-CN': '语言', en: 'Language' },
  'intro': {
    'zh-CN': '本报告由中心 {center} 的离线统计机根据已计数日志生成：每个数字都可以由任何人用公开的计数条目重新计算。',
    en: 'This report was made by the offline tally machine of the center {center} from its counted log: anyone can recompute every number from the published counted entries.',
  },
  'summary.people': { 'zh-CN': '声明退出的人数', en: 'People who withdrew' },
  'summary.statements': { 'zh-CN': '声明份数', en: 'Statements' },
  'summary.counted': { 'zh-CN': '计数日志', en: 'Counted log' },
  'summary.received': { 'zh-CN': '接收日志', en: 'Received log' },
  'summary.size-root': { 'zh-CN': '{size} 个条目，根哈希 {root}', en: '{size} entries, root {root}' },
  'h.cumulative': { 'zh-CN': '逐周累计人数与里程碑', en: 'People by week, cumulative, with milestones' },
  'h.orgs': { 'zh-CN': '按组织', en: 'By organisation' },
  'h.areas': { 'zh-CN': '中国大陆与港澳台及海外', en: 'Mainland China and Hong Kong, Macau, Taiwan, abroad' },
  'h.provinces': { 'zh-CN': '按省份（中国大陆）', en: 'By province (mainland China)' },
  'h.sectors': { 'zh-CN': '按系统（已公布的）', en: 'By sector (published)' },
  'h.regions': { 'zh-CN': '按地区（全部）', en: 'By region (all)' },
  'h.milestones': { 'zh-CN': '里程碑', en: 'Milestones' },
  'h.rejected': { 'zh-CN': '未计入的信封', en: 'Envelopes not counted' },
  'h.weekly': { 'zh-CN': '逐周数字', en: 'Weekly figures' },
  'h.recount': { 'zh-CN': '如何自己重新计算', en: 'How to recount' },
  'note.orgs': {
    'zh-CN': '一个人可以同时退出多个组织，所以三项之和可以大于总人数。',
    en: 'One person can leave several organisations, so the three can add up to more than the total.',
  },
  'note.sectors': {
    'zh-CN': '只公布同一批次中同一地区、系统和周至少有 10 份声明的格子（规范第 8 节），其余的系统记为“-”。',
    en: 'Only cells of at least 10 statements of one batch sharing region, sector and week are published (spec 8); the others are written "-".',
  },
  'note.rejected': {
    'zh-CN': '声明份数加上这三项等于接收日志的大小：没有信封会在两个日志之间消失。',
    en: 'Statements plus these three equal the received log\'s size: no envelope can vanish between the two logs.',
  },
  'note.milestones': { 'zh-CN': '每 {step} 人一个里程碑：累计人数第一次达到它的那一周。', en: 'A milestone every {step} people: the first week in which the running total reaches it.' },
  'note.no-data': { 'zh-CN': '没有数据。', en: 'No data.' },
  'recount.files': {
    'zh-CN': '与本报告一起公布的有：签名的统计笔记 tally.note、计数条目 counted/entries 及其签名检查点 counted/checkpoint。',
    en: 'Published with this report: the signed tally note tally.note, the counted entries counted/entries and their signed checkpoint counted/checkpoint.',
  },
  'recount.sealpost': {
    'zh-CN': '在这些文件所在的文件夹中运行下面的命令，它会根据条目重新计算笔记中的每一个数字，并检查检查点：',
    en: 'In the folder holding them, this command recomputes every number of the note from the entries and checks the checkpoint:',
  },
  'recount.awk': {
    'zh-CN': '不用 sealpost，这一行 awk 也能算出总数；它输出的各行应与 tally.note 中的相应各行完全相同：',
    en: 'Without sealpost, this awk line recomputes the totals; each line it prints must equal the same line of tally.note:',
  },
  'recount.own': {
    'zh-CN': '提交过声明的人可以用 sealpost verify --counted 找到自己的声明所对应的条目。',
    en: 'Whoever sent a statement finds its entry with sealpost verify --counted.',
  },
  'col.org': { 'zh-CN': '组织', en: 'Organisation' },
  'col.area': { 'zh-CN': '地区', en: 'Area' },
  'col.code': { 'zh-CN': '代码', en: 'Code' },
  'col.name-zh': { 'zh-CN': '中文名', en: 'Chinese name' },
  'col.name-en': { 'zh-CN': '英文名', en: 'English name' },
  'col.sector': { 'zh-CN': '系统', en: 'Sector' },
  'col.people': { 'zh-CN': '人数', en: 'People' },
  'col.statements': { 'zh-CN': '声明份数', en: 'Statements' },
  'col.week': { 'zh-CN': '周', en: 'Week' },
  'col.monday': { 'zh-CN': '该周星期一', en: 'Monday of the week' },
  'col.milestone': { 'zh-CN': '里程碑（人）', en: 'Milestone (people)' },
  'col.cumulative': { 'zh-CN': '累计人数', en: 'Cumulative people' },
  'col.reason': { 'zh-CN': '原因', en: 'Reason' },
  'col.envelopes': { 'zh-CN': '信封数', en: 'Envelopes' },
  'axis.date': { 'zh-CN': '周（星期一的日期）', en: 'Week (its Monday)' },
  'axis.people': { 'zh-CN': '人数', en: 'People' },
  'axis.cumulative': { 'zh-CN': '累计人数', en: 'Cumulative people' },
  'org.CCP': { 'zh-CN': '中国共产党', en: 'Chinese Communist Party' },
  'org.CYL': { 'zh-CN': '共青团', en: 'Communist Youth League' },
  'org.CYP': { 'zh-CN': '少先队', en: 'Young Pioneers' },
  'area.mainland': { 'zh-CN': '中国大陆', en: 'Mainland China' },
  'area.HK': { 'zh-CN': '香港', en: 'Hong Kong' },
  'area.MO': { 'zh-CN': '澳门', en: 'Macau' },
  'area.TW': { 'zh-CN': '台湾', en: 'Taiwan' },
  'area.abroad': { 'zh-CN': '海外', en: 'Abroad' },
  'rejected.duplicate': { 'zh-CN': '重复', en: 'Duplicate' },
  'rejected.invalid': { 'zh-CN': '无效', en: 'Invalid' },
  'rejected.undecryptable': { 'zh-CN': '无法解密', en: 'Undecryptable' },
  'sector.government': { 'zh-CN': '政府机关', en: 'government' },
  'sector.public-security': { 'zh-CN': '公安', en: 'public security' },
  'sector.discipline-inspection': { 'zh-CN': '纪检监察', en: 'discipline inspection' },
  'sector.peoples-congress': { 'zh-CN': '人大', en: "people's congress" },
  'sector.party-committee': { 'zh-CN': '党委', en: 'party committee' },
  'sector.court': { 'zh-CN': '法院', en: 'court' },
  'sector.procuratorate': { 'zh-CN': '检察院', en: 'procuratorate' },
  'sector.state-security': { 'zh-CN': '国家安全', en: 'state security' },
  'sector.state-council': { 'zh-CN': '国务院', en: 'state council' },
  'sector.central-government': { 'zh-CN': '中央国家机关', en: 'central government' },
  'sector.military': { 'zh-CN': '军队', en: 'military' },
  'sector.education': { 'zh-CN': '教育', en: 'education' },
  'sector.enterprise': { 'zh-CN': '企业', en: 'enterprise' },
  'sector.other': { 'zh-CN': '其他', en: 'other' },
} as const satisfies Record<string, Pair>;

export type TextKey = keyof typeof TEXT;

/** The text of `key` in `lang`, `{name}` placeholders filled from `params`. */
export function text(lang: Lang, key: TextKey, params: Record<string, string | number> = {}): string {
  return TEXT[key][lang].replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** A sector's name; an unknown value (a later spec's) shows as itself. */
export function sectorName(lang: Lang, sector: string): string {
  const key = `sector.${sector}`;
  return key in TEXT ? text(lang, key as TextKey) : sector;
}

/** An area's name. */
export function areaName(lang: Lang, area: Area): string {
  return text(lang, `area.${area}`);
}

/** Numbers as published: digits grouped by thousands with commas, the same in both languages. */
export function num(n: number): string {
  // Not toLocaleString: the report must not depend on the ICU data of the Node that wrote it.
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
