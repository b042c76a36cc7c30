import { countedMessages } from '../../log/counted.js';
import { messages as tallyEn } from '../../center/tally/messages.js';
import { defineMessages, translate } from '../i18n/define.js';

/** zh-CN of the counted log's and the recount's messages (src/log/counted.ts holds the English). */
export const countedModule = translate(countedMessages, {
  'log.counted.entry-form': '计数条目第 {line} 行格式错误：不是 <tag> week= people= ccp= cyl= cyp= region= sector= 的形式',
  'log.counted.entry-number': '计数条目第 {line} 行格式错误：数字 {value} 不是规范写法',
  'log.counted.entry-orgs': '计数条目第 {line} 行格式错误：某个组织的人数超过了总人数',
  'log.counted.entry-sector': '计数条目第 {line} 行格式错误：未知的行业 {value}',
  'log.counted.entry-newline': '计数条目第 {line} 行格式错误：文件不以换行结尾',
  'log.counted.note-expected': '统计笔记第 {line} 行格式错误：此处应为 {value}',
  'log.counted.note-number': '统计笔记第 {line} 行格式错误：数字 {value} 不是规范写法',
  'log.counted.note-newline': '统计笔记第 {line} 行格式错误：笔记不以换行结尾',
  'log.counted.note-extra': '统计笔记第 {line} 行格式错误：规范第 8 节中没有这一行',
  'log.counted.dropped': '计数日志有 {size} 个条目，但其检查点涵盖 {expected} 个：有条目被删除',
  'log.counted.added': '计数日志有 {size} 个条目，但其检查点涵盖 {expected} 个：有条目被添加',
  'log.counted.changed': '计数条目的哈希与检查点的根哈希不符：有条目被改动',
  'log.counted.note-counted': '统计笔记的 counted 行（{note}）与检查点（{checkpoint}）不符',
  'log.counted.note-center': '统计笔记写的中心是 {note}，检查点写的是 {checkpoint}',
  'log.counted.note-differs': '统计笔记写的是“{note}”，而按计数条目重算得到“{recount}”',
  'log.counted.note-balance': '统计笔记的声明数与被拒信封数之和为 {sum}，不等于其接收日志大小 {received}',
  'log.counted.repeated-tag': '标签 {tag} 在计数日志中出现了两次（第 {first} 和第 {second} 个条目）',
});

/** zh-CN of the tally's messages (src/center/tally/messages.ts holds the English). */
export const tallyModule = translate(tallyEn, {
  'center.tally.state-damaged': '统计状态 {dir}：{file} 已损坏或缺失',
  'center.tally.state-center': '统计状态 {dir} 属于中心 {other}，而不是 {center}',
  'center.tally.state-ahead': '统计状态 {dir} 已统计 {done} 个信封，但数据文件夹中只有 {size} 个：这不是该状态统计过的数据文件夹',
  'center.tally.no-data': '无法读取 {dir} 中的接收数据库（即 serve 的数据文件夹，复制到本机）',
  'center.tally.other-center-key': '{file} 中的密钥是 {name}，不属于 {center}（tally.key 所属的中心）',
  'center.tally.other-log': '{dir} 中的计数日志不是统计状态 {state} 写下的',
  'center.tally.charts-missing':
    '统计的 report.html 需要可选依赖包 {package} 和 vega-lite，但它们在这里没有安装：请用 npm install {package}@{version} vega-lite@{vegaLite} 安装，或者不带 --omit=optional 重新安装 sealpost',
});

/** The `tally` and `recount` texts of the CLI (issue 10), in both languages. */
export const tallyCli = defineMessages(
  {
    'cli.tally.description':
      'on the offline machine: open every stored envelope, count, append one batch to the counted log, and write the signed tally note and the report',
    'cli.tally.opt.keys': "the center's keys folder (box.key and tally.key are read)",
    'cli.tally.opt.data': "the intake's data folder (serve --data), copied to this machine; only read",
    'cli.tally.opt.out': 'the public output: tally.note, counted/entries, counted/checkpoint, tally.json and CSV tables',
    'cli.tally.opt.private': 'the private output, never to publish: likely duplicates (they name people), sectors before suppression, channels, names, groups, daily series',
    'cli.tally.opt.milestone-step': 'people per milestone line of the note (default 1000000)',
    'cli.tally.opt.state': "the tally's own state (default <private>/state, else <out>.state); keep it private, keep it for the next run",
    'cli.tally.opt.threads': 'threads that open envelopes (default: one per core)',
    'cli.tally.bad-step': '{flag} must be a whole number of people above 0',
    'cli.tally.bad-threads': '{flag} must be a whole number from 0 to 256',
    'cli.tally.progress': 'tallying: {done} of {end} received envelopes',
    'cli.tally.resumed': 'continuing the interrupted tally from envelope {from}',
    'cli.tally.done':
      'tallied {tallied} received envelopes: {appended} new statements counted; the counted log has {size} entries; {people} people in {statements} statements; rejected: {duplicate} duplicate, {invalid} invalid, {undecryptable} undecryptable',
    'cli.tally.written': 'wrote {out}{private}; the tally state is in {state}',
    'cli.tally.written-private': ' and {dir}',
    'cli.recount.description': 'recompute every number of a tally note from its counted log and check the signed checkpoint',
    'cli.recount.arg.dir': 'a folder holding tally.note, counted/entries and counted/checkpoint (the tally --out; default: the current folder)',
    'cli.recount.opt.awk': 'print the awk line that recomputes the totals from counted/entries without sealpost, and exit',
    'cli.recount.missing': 'cannot read {file}',
    'cli.recount.agrees': 'the tally note agrees with the counted log: {size} entries, {people} people; checkpoint signed by {key}',
  },
  {
    'cli.tally.description': '在离线机器上：打开所有存储的信封，计数，向计数日志追加一批条目，并写出签名的统计笔记和报告',
    'cli.tally.opt.keys': '中心的密钥文件夹（读取 box.key 和 tally.key）',
    'cli.tally.opt.data': '接收服务器的数据文件夹（serve --data），复制到本机；只读',
    'cli.tally.opt.out': '公开输出：tally.note、counted/entries、counted/checkpoint、tally.json 和 CSV 表格',
    'cli.tally.opt.private': '私密输出，切勿公开：可能的重复（含人名）、未隐去的行业、渠道、真名与化名、群组、每日序列',
    'cli.tally.opt.milestone-step': '统计笔记中每个里程碑的人数间隔（默认 1000000）',
    'cli.tally.opt.state': '统计自身的状态（默认放在 --private 文件夹中，否则放在 --out 文件夹旁）；请保密，并保留到下次统计',
    'cli.tally.opt.threads': '打开信封的线程数（默认每个核心一个）',
    'cli.tally.bad-step': '{flag} 必须是大于 0 的整数人数',
    'cli.tally.bad-threads': '{flag} 必须是 0 到 256 之间的整数',
    'cli.tally.progress': '统计中：已处理 {done} / {end} 个接收的信封',
    'cli.tally.resumed': '从第 {from} 个信封继续被中断的统计',
    'cli.tally.done':
      '统计了 {tallied} 个接收的信封：新计入 {appended} 份声明；计数日志共有 {size} 个条目；{statements} 份声明共 {people} 人；被拒：重复 {duplicate}，无效 {invalid}，无法解密 {undecryptable}',
    'cli.tally.written': '已写出 {out}{private}；统计状态在 {state}',
    'cli.tally.written-private': ' 和 {dir}',
    'cli.recount.description': '根据计数日志重算统计笔记中的每个数字，并检查签名的检查点',
    'cli.recount.arg.dir': '包含 tally.note、counted/entries 和 counted/checkpoint 的文件夹（即 tally --out；默认为当前文件夹）',
    'cli.recount.opt.awk': '打印无需 sealpost、用 awk 从 counted/entries 重算总数的命令行，然后退出',
    'cli.recount.missing': '无法读取 {file}',
    'cli.recount.agrees': '统计笔记与计数日志一致：{size} 个条目，{people} 人；检查点由 {key} 签名',
  },
);
