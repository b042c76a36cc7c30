/**
 * The tally's English (the zh-CN is in src/cli/catalog/tally.ts: lower layers own their English,
 * the CLI owns translation).
 */
import { english } from '../../english.js';

export const messages = {
  'center.tally.state-damaged': 'tally state {dir}: {file} is damaged or missing',
  'center.tally.state-center': 'tally state {dir} belongs to center {other}, not {center}',
  'center.tally.state-ahead': 'tally state {dir} has tallied {done} envelopes, but the data folder holds only {size}: it is not the data folder this state tallied',
  'center.tally.no-data': 'cannot read the intake database in {dir} (the data folder of serve, copied to this machine)',
  'center.tally.other-center-key': '{file} holds the key {name}, not a key of {center} (the center of tally.key)',
  'center.tally.other-log': '{dir} holds a counted log that the tally state {state} did not write',
  'center.tally.charts-missing':
    'the tally\'s report.html needs the optional packages {package} and vega-lite, which are not installed here: install them with npm install {package}@{version} vega-lite@{vegaLite}, or reinstall sealpost without --omit=optional',
} as const;

/** English text of a tally message key. */
export const englishText = english(messages);
