import { messages as en } from '../../log/messages.js';
import { translate } from '../i18n/define.js';

/** zh-CN of the log module's messages (src/log/messages.ts holds the English). */
export const log = translate(en, {
  'log.bad-checkpoint': '检查点格式错误（{why}）',
  'log.witness-policy': '检查点只有 {got} 个有效的见证人联署签名；中心文件要求 {need} 个',
  'log.lie.smaller-checkpoint': '日志给出的检查点大小为 {size}，小于此前见过的大小 {kept}（日志被冻结或回滚）',
  'log.lie.inconsistent-checkpoint': '大小为 {size} 的检查点与此前见过的大小为 {kept} 的检查点不一致：日志改写了历史（分叉或回滚）',
  'log.lie.split-view': '两个大小同为 {size} 但根哈希不同的已签名检查点：日志向不同的人展示不同的历史（分裂视图）',
  'log.lie.entry-dropped': '日志删除了一个条目：回执 {id} 的条目（序号 {index}）现在位于序号 {at}',
  'log.lie.entry-rewritten': '日志在序号 {index} 处存放的是另一个条目，而不是回执 {id} 的条目：该条目被改写（或删除）',
  'log.lie.not-included': '回执 {id}（序号 {index}）不在大小为 {size} 的日志中：其条目被删除或改写',
  'log.lie.not-covered': '回执 {id}（序号 {index}）在其小时之后超过 24 小时仍未被日志（大小 {size}）覆盖：违背了承诺',
});
