/**
 * A small tally.json-shaped report for the report.html tests (main and interop suites): every
 * number is distinct, so a test that finds it in the page found the right one; the invariants of
 * src/center/tally/report.ts hold.
 */
import { areaOf, checkInvariants, regionNames, type TallyReport } from '../../src/center/tally/report.js';

const region = (code: string, people: number, statements: number) => ({ code, area: areaOf(code), ...regionNames(code), people, statements });

const weekly = [
  ['2005-W14', 2_113, 1_604],
  ['2005-W15', 3_187, 2_411],
  ['2005-W16', 2_902, 2_377],
  ['2005-W17', 4_143, 3_484],
] as const;

export const SAMPLE: TallyReport = (() => {
  let cp = 0;
  let cs = 0;
  const r: TallyReport = {
    v: 1,
    center: 'center.example',
    counted: { size: 9_876, root: 'q0T3n8Vb0Qy5mS1mU4vYp2zR9kF6cH7aD1eG3jL5wX8=' },
    received: { size: 9_882, root: 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5' },
    totals: { statements: 9_876, people: 12_345 },
    orgs: { CCP: 7_421, CYL: 3_210, CYP: 1_987 },
    areas: { mainland: 12_101, HK: 98, MO: 21, TW: 37, abroad: 88 },
    regions: [
      region('CA', 38, 30),
      region('CN-110000', 3_500, 2_801),
      region('CN-210000', 2_800, 2_233),
      region('CN-220000', 2_100, 1_702),
      region('CN-230000', 2_000, 1_650),
      region('CN-440000', 1_701, 1_300),
      region('HK', 98, 61),
      region('MO', 21, 17),
      region('TW', 37, 29),
      region('US', 50, 53),
    ],
    sectors: [
      { sector: 'education', people: 57 },
      { sector: 'government', people: 204 },
      { sector: 'military', people: 12 },
    ],
    rejected: { duplicate: 3, invalid: 2, undecryptable: 1 },
    milestoneStep: 5_000,
    milestones: [
      { people: 5_000, week: '2005-W15' },
      { people: 10_000, week: '2005-W17' },
    ],
    weekly: weekly.map(([week, people, statements]) => {
      cp += people;
      cs += statements;
      return { week, people, statements, cumulativePeople: cp, cumulativeStatements: cs };
    }),
  };
  checkInvariants(r);
  return r;
})();
