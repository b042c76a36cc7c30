import { messages as en } from '../../relay/messages.js';
import { defineMessages, translate } from '../i18n/define.js';

/** zh-CN of the relay module's messages (src/relay/messages.ts holds the English). */
export const relayModule = translate(en, {
  'relay.reject.missing-field': '{column} 列为空',
  'relay.reject.bad-boolean': '{column} 只能是 true、false、1、0、yes 或 no',
  'relay.reject.bad-utf8': '这一行不是有效的 UTF-8 文本',
  'relay.reject.bad-quote': '这一行的引号有误（含逗号、引号或换行的字段要放在双引号里，字段里的引号要写两次）',
  'relay.reject.bad-columns': '这一行有 {found} 个字段，而表头有 {expected} 个',
  'relay.reject.too-long': '这一行超过 {max} 字节',
  'relay.reject.too-large': '这一行的声明超过最大信封的容量（{max} 字节）',
  'relay.reject.group-mismatch': '这一行的 {column} 与同组第一个有效行不同',
  'relay.reject.bad-json': '这一行不是 JSON 对象',
  'relay.reject.unknown-field': '未知字段 {column}',
  'relay.reject.bad-type': '{column} 必须是文字',
  'relay.header.empty': '{file} 是空的：第一行必须列出各列的名称（name,real_name,orgs,country,province,city,sector,channel,date,text,publish,group）',
  'relay.header.missing': '{file} 的表头缺少 {column} 列',
  'relay.header.unknown': '{file} 的表头有未知的列 {column}（可用的列：name,real_name,orgs,country,province,city,sector,channel,date,text,publish,group,id,tag_key）',
  'relay.header.duplicate': '{file} 的表头把 {column} 列写了两次',
  'relay.header.bad': '{file} 的表头不是有效的 UTF-8 CSV',
  'relay.no-good-rows': '{file} 中没有一行有效：没有放入任何声明',
  'relay.secret.locked': '转交密钥 {file} 已加密，但没有设置口令（SEALPOST_PASSPHRASE）',
  'relay.secret.wrong-passphrase': '此口令（SEALPOST_PASSPHRASE）无法打开转交密钥 {file}',
  'relay.secret.damaged': '转交密钥 {file} 已损坏；只有在发件箱里没有这次转交的信封、也没有保留的回执时，才可以把它移走',
});

/** The `relay import` and `relay report` texts of the CLI, in both languages. */
export const relayCli = defineMessages(
  {
    'cli.relay.description': 'relay statements taken by phone, fax or on paper: import a file of rows, accept envelopes sealed by others, report receipts by row',
    'cli.relay.import.description': 'validate every row of a CSV or JSON Lines file, seal each good row (or group) into the outbox, and write the bad rows with their line and reason to <file>.rejects.csv',
    'cli.relay.import.arg.file': 'a CSV file with the header name,real_name,orgs,country,province,city,sector,channel,date,text,publish,group (id,tag_key optional), or a .jsonl file with the same names',
    'cli.relay.import.done': '{rows} rows: {good} good, {rejected} rejected; {queued} statements put in the outbox, {skipped} already there',
    'cli.relay.import.rejected': '{rejected} rows rejected, each with its line and reason in {rejects} (it holds names: delete it when done)',
    'cli.relay.import.hint-flush': 'run sealpost outbox flush to deliver them',
    'cli.relay.report.description': 'show which file and line each delivered row came from, with its receipt (receipts kept with --keep-receipts)',
    'cli.relay.report.summary': '{delivered} rows delivered with a kept receipt, {waiting} still waiting for delivery',
    'cli.relay.report.hint-keep': 'receipts are kept only when the outbox is flushed with --keep-receipts: sealpost outbox flush --keep-receipts',
  },
  {
    'cli.relay.description': '转交通过电话、传真或纸面收到的声明：导入一个逐行记录的文件，接收他人封装的信封，按行报告回执',
    'cli.relay.import.description': '检查 CSV 或 JSONL 文件的每一行，把每个有效行（或一组）封装放入发件箱，并把无效行连同行号和原因写入“<文件>.rejects.csv”',
    'cli.relay.import.arg.file': '表头为 name,real_name,orgs,country,province,city,sector,channel,date,text,publish,group（id,tag_key 可选）的 CSV 文件，或使用相同字段名的 .jsonl 文件',
    'cli.relay.import.done': '共 {rows} 行：{good} 行有效，{rejected} 行无效；{queued} 份声明已放入发件箱，{skipped} 份早已在其中',
    'cli.relay.import.rejected': '{rejected} 行无效，每行的行号和原因见 {rejects}（其中有姓名：用完请删除）',
    'cli.relay.import.hint-flush': '运行 sealpost outbox flush 送出它们',
    'cli.relay.report.description': '列出每个已送达的行来自哪个文件的哪一行，以及它的回执（需用 --keep-receipts 保留回执）',
    'cli.relay.report.summary': '{delivered} 行已送达并保留了回执，{waiting} 行仍在等待送出',
    'cli.relay.report.hint-keep': '只有用 --keep-receipts 清空发件箱时才会保留回执：sealpost outbox flush --keep-receipts',
  },
);
