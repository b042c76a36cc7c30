import { messages as en } from '../../log/messages.js';
import { translate } from '../i18n/define.js';

/** zh-CN of the log module's messages (src/log/messages.ts holds the English). */
export const log = translate(en, {
  'log.bad-checkpoint': '检查点格式错误（{why}）',
  'log.witness-policy': '检查点只有 {got} 个有效的见证人联署签名；中心文件要求 {need} 个',
});
