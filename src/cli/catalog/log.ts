import { messages as en } from '../../log/messages.js';
import { translate } from '../i18n/define.js';

/** zh-CN of the log module's messages (src/log/messages.ts holds the English). */
export const log = translate(en, {
  'log.bad-checkpoint': '检查点格式错误（{why}）',
});
