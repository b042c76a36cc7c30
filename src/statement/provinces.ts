/**
 * The 31 mainland province-level divisions by their GB/T 2260 codes, the only values of
 * `region.province` (wire spec 2), with official Chinese names, English names and a few other
 * spellings people type (for `composeStatement`'s lookup by name).
 *
 * Source and licence: GB/T 2260 (administrative division codes of the PRC) is a public national
 * standard; codes and official names are facts. English names are the usual romanisations.
 */
export const PROVINCES = {
  '110000': { zh: '北京市', en: 'Beijing', aliases: ['北京'] },
  '120000': { zh: '天津市', en: 'Tianjin', aliases: ['天津'] },
  '130000': { zh: '河北省', en: 'Hebei', aliases: ['河北'] },
  '140000': { zh: '山西省', en: 'Shanxi', aliases: ['山西'] },
  '150000': { zh: '内蒙古自治区', en: 'Inner Mongolia', aliases: ['内蒙古', 'Nei Mongol', 'Nei Menggu'] },
  '210000': { zh: '辽宁省', en: 'Liaoning', aliases: ['辽宁'] },
  '220000': { zh: '吉林省', en: 'Jilin', aliases: ['吉林'] },
  '230000': { zh: '黑龙江省', en: 'Heilongjiang', aliases: ['黑龙江'] },
  '310000': { zh: '上海市', en: 'Shanghai', aliases: ['上海'] },
  '320000': { zh: '江苏省', en: 'Jiangsu', aliases: ['江苏'] },
  '330000': { zh: '浙江省', en: 'Zhejiang', aliases: ['浙江'] },
  '340000': { zh: '安徽省', en: 'Anhui', aliases: ['安徽'] },
  '350000': { zh: '福建省', en: 'Fujian', aliases: ['福建'] },
  '360000': { zh: '江西省', en: 'Jiangxi', aliases: ['江西'] },
  '370000': { zh: '山东省', en: 'Shandong', aliases: ['山东'] },
  '410000': { zh: '河南省', en: 'Henan', aliases: ['河南'] },
  '420000': { zh: '湖北省', en: 'Hubei', aliases: ['湖北'] },
  '430000': { zh: '湖南省', en: 'Hunan', aliases: ['湖南'] },
  '440000': { zh: '广东省', en: 'Guangdong', aliases: ['广东'] },
  '450000': { zh: '广西壮族自治区', en: 'Guangxi', aliases: ['广西', 'Guangxi Zhuang'] },
  '460000': { zh: '海南省', en: 'Hainan', aliases: ['海南'] },
  '500000': { zh: '重庆市', en: 'Chongqing', aliases: ['重庆'] },
  '510000': { zh: '四川省', en: 'Sichuan', aliases: ['四川'] },
  '520000': { zh: '贵州省', en: 'Guizhou', aliases: ['贵州'] },
  '530000': { zh: '云南省', en: 'Yunnan', aliases: ['云南'] },
  '540000': { zh: '西藏自治区', en: 'Tibet', aliases: ['西藏', 'Xizang'] },
  '610000': { zh: '陕西省', en: 'Shaanxi', aliases: ['陕西'] },
  '620000': { zh: '甘肃省', en: 'Gansu', aliases: ['甘肃'] },
  '630000': { zh: '青海省', en: 'Qinghai', aliases: ['青海'] },
  '640000': { zh: '宁夏回族自治区', en: 'Ningxia', aliases: ['宁夏', 'Ningxia Hui'] },
  '650000': { zh: '新疆维吾尔自治区', en: 'Xinjiang', aliases: ['新疆', 'Xinjiang Uyghur', 'Xinjiang Uygur'] },
} as const satisfies Readonly<Record<string, { zh: string; en: string; aliases: readonly string[] }>>;

/** One of the 31 mainland province-level GB/T 2260 codes, e.g. `110000` (Beijing). */
export type ProvinceCode = keyof typeof PROVINCES;
