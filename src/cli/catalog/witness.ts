import { messages as en } from '../../center/witness/messages.js';
import { defineMessages, translate } from '../i18n/define.js';

/** zh-CN of the witness's messages (src/center/witness/messages.ts holds the English). */
export const witnessModule = translate(en, {
  'center.witness.bad-request': 'add-checkpoint 请求格式错误：{why}',
  'center.witness.unknown-log': '本见证人不跟踪日志 {origin}',
  'center.witness.unsigned': '该检查点没有 {origin} 密钥的有效签名',
  'center.witness.bad-proof': '从大小 {old} 到 {size} 的一致性证明无法验证（{why}）',
  'center.witness.root-conflict': '本见证人对 {origin} 的大小 {size} 持有另一个根哈希',
  'center.witness.too-large': '请求体超过 {max} 字节',
  'center.witness.not-found': '没有这个资源：请用 POST add-checkpoint',
  'center.witness.method': '不允许该请求方法：请用 POST add-checkpoint',
  'center.witness.timeout': '请求太慢',
  'center.witness.internal': '内部错误',
  'center.witness.no-logs': '没有要见证的日志：请用 --log 给出中心文件，或用 --log-key 给出日志密钥',
  'center.witness.bad-log-key': '日志密钥 {key} 有误：应为 Ed25519 签名笔记密钥的 vkey',
  'center.witness.duplicate-log': '日志 {origin} 被给出了两次',
  'center.witness.busy': '数据文件夹 {dir} 正被另一个见证人使用（进程 {pid}）',
  'center.witness.bad-state': '见证人状态文件 {file} 已损坏（{why}）；文件保持原样，请从备份恢复',
  'center.witness.bad-name': '见证人名称 {name} 有误：不能为空，不能含空格或 +',
  'center.witness.state-failed': '处理 add-checkpoint 失败（未做任何联署签名）：{message}',
  'center.witness.evidence-failed': '把被拒绝的检查点保存为证据失败：{message}',
  'center.witness.no-cosignature': '见证人 {name} 没有给出联署签名：{why}',
});

/** The `witness serve` and `keygen --witness` texts of the CLI (issue 9, build point 5), in both languages. */
export const witnessCli = defineMessages(
  {
    'cli.witness.description': 'a witness of transparency logs (C2SP tlog-witness)',
    'cli.witness.serve.description':
      'run a witness: it keeps the latest checkpoint of each log it follows and cosigns only checkpoints consistent with it (C2SP tlog-witness, tlog-cosignature)',
    'cli.witness.serve.opt.keys': 'the folder holding witness.key (from sealpost keygen --witness)',
    'cli.witness.serve.opt.data': "the witness's state folder (the latest checkpoint of each log; back it up)",
    'cli.witness.serve.opt.listen': 'address to listen on, host:port (port 0 picks a free one)',
    'cli.witness.serve.opt.log': "a center file whose received log to witness (origin <name>/log, key logKey; repeatable)",
    'cli.witness.serve.opt.log-key': 'the note key (vkey) of another log to witness, its origin the key name (repeatable)',
    'cli.witness.serve.ready': 'witness key {vkey}; following {logs}',
    'cli.keygen.opt.witness': "write a witness's key pair instead (witness.key and witness.vkey); --name is then the witness's name",
    'cli.keygen.witness-done': 'witness key written to {dir} (witness.key mode 0600); its vkey, for the witnesses of center files, is on stdout and in witness.vkey',
    'cli.keygen.witness-url': '--url does not go with --witness (a witness has no intake URL)',
    'cli.placeholder.vkey': 'vkey',
  },
  {
    'cli.witness.description': '透明日志的见证人（C2SP tlog-witness）',
    'cli.witness.serve.description': '运行见证人：记住所跟踪的每个日志的最新检查点，只为与之一致的检查点联署签名（C2SP tlog-witness、tlog-cosignature）',
    'cli.witness.serve.opt.keys': '存放 witness.key 的文件夹（由 sealpost keygen --witness 生成）',
    'cli.witness.serve.opt.data': '见证人的状态文件夹（每个日志的最新检查点；请备份）',
    'cli.witness.serve.opt.listen': '监听地址 主机:端口（端口 0 表示自动选择空闲端口）',
    'cli.witness.serve.opt.log': '要见证其接收日志的中心文件（来源 <name>/log，密钥 logKey；可重复）',
    'cli.witness.serve.opt.log-key': '要见证的其他日志的签名笔记密钥（vkey），其来源为密钥名称（可重复）',
    'cli.witness.serve.ready': '见证人密钥 {vkey}；正在跟踪 {logs}',
    'cli.keygen.opt.witness': '改为生成见证人的密钥对（witness.key 和 witness.vkey）；此时 --name 是见证人的名称',
    'cli.keygen.witness-done': '见证人密钥已写入 {dir}（witness.key 权限 0600）；其 vkey（供中心文件的 witnesses 使用）已输出到标准输出并写入 witness.vkey',
    'cli.keygen.witness-url': '--url 不能与 --witness 同用（见证人没有接收服务器地址）',
    'cli.placeholder.vkey': '验证密钥',
  },
);
