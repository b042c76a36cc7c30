/**
 * The figures of the 2006 report that `bench/gen` imitates (issue 10), and the tables it draws
 * from. Exact report figures are marked; the rest (province weights, milestones between the
 * report's named ones, group sizes, channels, Hong Kong / Macau / Taiwan shares) are plausible
 * choices of ours, documented here so that a reader can tell the two apart.
 */
import type { Channel, Sector } from '../src/statement/types.js';

/** Report: withdrawals by 2006-06-27. */
export const REPORT_PEOPLE = 11_366_927;
/** Report: of them, from the CCP itself. */
export const REPORT_CCP = 6_876_990;
/** Report: from outside mainland China (taken as abroad: outside CN/HK/MO/TW). */
export const REPORT_ABROAD = 16_289;
/** Report: people by sector. */
export const REPORT_SECTORS: Readonly<Partial<Record<Sector, number>>> = {
  government: 20_448,
  'public-security': 879,
  'discipline-inspection': 584,
  'peoples-congress': 407,
  court: 138,
  'state-security': 72,
};
/** Ours: Hong Kong, Macau and Taiwan as shares of all people (the report gives no split). */
export const HMT_SHARE = { HK: 0.0004, MO: 0.00005, TW: 0.0003 } as const;

/**
 * Cumulative people by day. Report: 2004-12-03 (the first statements), 1 M on 2005-04-21, 2 M on
 * 2005-05-31, 10 M by 2006-04-25, 11,366,927 by 2006-06-27. Ours: the days of 3 M … 9 M, spaced
 * between those as the report's pace (about one million every five to six weeks).
 */
export const MILESTONE_CURVE: ReadonlyArray<readonly [string, number]> = [
  ['2004-12-03', 0],
  ['2005-04-21', 1_000_000],
  ['2005-05-31', 2_000_000],
  ['2005-07-12', 3_000_000],
  ['2005-08-25', 4_000_000],
  ['2005-10-11', 5_000_000],
  ['2005-11-24', 6_000_000],
  ['2006-01-06', 7_000_000],
  ['2006-02-16', 8_000_000],
  ['2006-03-22', 9_000_000],
  ['2006-04-25', 10_000_000],
  ['2006-06-27', REPORT_PEOPLE],
];

/** Ours: province weights (GB/T 2260), Beijing and the north-east (Liaoning, Jilin, Heilongjiang) highest. */
export const PROVINCE_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['110000', 9], ['210000', 9], ['230000', 9], ['220000', 8],
  ['370000', 5], ['130000', 5], ['440000', 5], ['410000', 4], ['510000', 4], ['320000', 4], ['310000', 4],
  ['120000', 3.5], ['420000', 3], ['430000', 3], ['330000', 3], ['340000', 3], ['350000', 2.5], ['610000', 2.5],
  ['140000', 2.5], ['150000', 2], ['500000', 2], ['360000', 2], ['530000', 2], ['450000', 2], ['520000', 1.5],
  ['650000', 1], ['620000', 1], ['460000', 0.7], ['640000', 0.5], ['630000', 0.5], ['540000', 0.3],
];

/** Ours: countries of those abroad. */
export const ABROAD_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['US', 30], ['CA', 15], ['AU', 12], ['GB', 8], ['DE', 7], ['JP', 7], ['FR', 5], ['NZ', 4],
  ['SG', 3], ['KR', 3], ['MY', 3], ['TH', 2], ['SE', 1], ['NL', 1], ['IT', 1],
];

/** Ours: people per statement (or per group, split over envelopes of at most 250). [from, to, weight]. */
export const GROUP_SIZES: ReadonlyArray<readonly [number, number, number]> = [
  [1, 1, 0.78],
  [2, 5, 0.12],
  [6, 20, 0.07],
  [21, 100, 0.026],
  [101, 250, 0.0035],
  [251, 700, 0.0005],
];

/** Ours: sizes of statements by people who name a sector (mostly one official at a time). */
export const SECTOR_SIZES: ReadonlyArray<readonly [number, number, number]> = [
  [1, 1, 0.9],
  [2, 3, 0.1],
];

/** Ours: sizes of statements from Hong Kong, Macau, Taiwan and abroad. */
export const SMALL_SIZES: ReadonlyArray<readonly [number, number, number]> = [
  [1, 1, 0.8],
  [2, 2, 0.12],
  [3, 5, 0.08],
];

/** Ours: how statements reached the sealer. */
export const CHANNEL_WEIGHTS: ReadonlyArray<readonly [Channel, number]> = [
  ['internet', 55], ['phone', 12], ['email', 10], ['paper', 8], ['fax', 5], ['in-person', 5], ['relay', 5],
];

/** Ours: the share of people who give their real name (the others an alias). */
export const REAL_NAME_SHARE = 0.25;
/** Ours: organisations besides the CCP: a CCP member also left the CYL / CYP with these odds. */
export const CCP_ALSO = { CYL: 0.35, CYP: 0.25 } as const;
/** Ours: people not in the CCP left the CYL only, the CYP only, or both. */
export const NON_CCP = { CYLOnly: 0.4, CYPOnly: 0.35 } as const;

/** Common surnames and given-name characters for real names; words for aliases. */
export const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢';
export const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国志文辉力永健世广义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘';
export const ALIAS_WORDS = ['觉醒', '真心', '明白人', '老党员', '东北人', '求真', '正念', '新生', '自由', '清醒', '良知', '善念', '平安', '老兵', '教师', '工人', '农民', '学生', '干部', '退休'];
