import { defineMessages } from '../i18n/define.js';

/**
 * Commander's words that the CLI translates (src/cli/i18n/commander.ts): a flag value outside its
 * choices, the usage line's `[options]` and `[command]`, and the `<value>` placeholders of the flags
 * and arguments as help shows them (`--out <dir>` -> `--out <文件夹>`).
 */
export const commander = defineMessages(
  {
    'cli.usage.bad-choice': '{option} cannot be {value}: use one of {allowed}',
    'cli.help.options-word': 'options',
    'cli.help.command-word': 'command',
    'cli.placeholder.base-url': 'base url',
    'cli.placeholder.center-name': 'center name',
    'cli.placeholder.channel': 'channel',
    'cli.placeholder.city': 'city',
    'cli.placeholder.code': 'code',
    'cli.placeholder.days': 'days',
    'cli.placeholder.dir': 'dir',
    'cli.placeholder.file': 'file',
    'cli.placeholder.host:port': 'host:port',
    'cli.placeholder.intake-base-url': 'intake base url',
    'cli.placeholder.lang': 'lang',
    'cli.placeholder.list': 'list',
    'cli.placeholder.n': 'n',
    'cli.placeholder.name': 'name',
    'cli.placeholder.seconds': 'seconds',
    'cli.placeholder.sector': 'sector',
    'cli.placeholder.text': 'text',
    'cli.placeholder.url': 'url',
    'cli.placeholder.statement': 'statement',
    'cli.placeholder.bcp47': 'bcp47',
  },
  {
    'cli.usage.bad-choice': '{option} 不能是 {value}：请从 {allowed} 中选择',
    'cli.help.options-word': '选项',
    'cli.help.command-word': '命令',
    'cli.placeholder.base-url': '基础地址',
    'cli.placeholder.center-name': '中心名称',
    'cli.placeholder.channel': '声明方式',
    'cli.placeholder.city': '城市',
    'cli.placeholder.code': '代码',
    'cli.placeholder.days': '天数',
    'cli.placeholder.dir': '文件夹',
    'cli.placeholder.file': '文件',
    'cli.placeholder.host:port': '主机:端口',
    'cli.placeholder.intake-base-url': '接收服务器基础地址',
    'cli.placeholder.lang': '语言',
    'cli.placeholder.list': '列表',
    'cli.placeholder.n': '数量',
    'cli.placeholder.name': '名称',
    'cli.placeholder.seconds': '秒数',
    'cli.placeholder.sector': '所在系统',
    'cli.placeholder.text': '文字',
    'cli.placeholder.url': '地址',
    'cli.placeholder.statement': '声明',
    'cli.placeholder.bcp47': '语言标签',
  },
);
