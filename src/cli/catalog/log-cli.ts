import { defineMessages } from '../i18n/define.js';

/** The `log export` and `serve --checkpoint-interval` texts of the CLI (issue 9), in both languages. */
export const logCli = defineMessages(
  {
    'cli.log.description': 'the received log: publish it as static files',
    'cli.log.export.description':
      'write the received log at its latest checkpoint as C2SP tlog-tiles static files (checkpoint, hash tiles, entry bundles) for any static host or mirror',
    'cli.log.export.opt.data': "the intake's data folder (the one given to serve --data)",
    'cli.log.export.opt.tiles': 'the folder to write the files into (made when missing; a second export adds only what changed)',
    'cli.log.export.done': 'exported the received log at size {size} to {dir}: {written} files written, {kept} already there',
    'cli.serve.opt.checkpoint-interval': 'seconds between checkpoints of the received log while it grows (default 1)',
    'cli.serve.bad-interval': '{flag} must be a number of seconds above 0 and at most 3600',
  },
  {
    'cli.log.description': '接收日志：把它发布为静态文件',
    'cli.log.export.description': '把接收日志按其最新检查点写成 C2SP tlog-tiles 静态文件（检查点、哈希瓦片、条目包），供任何静态主机或镜像使用',
    'cli.log.export.opt.data': '接收服务器的数据文件夹（即 serve --data 所用的文件夹）',
    'cli.log.export.opt.tiles': '写入文件的文件夹（不存在时会创建；再次导出只添加有变化的部分）',
    'cli.log.export.done': '已把大小为 {size} 的接收日志导出到 {dir}：写入 {written} 个文件，{kept} 个已存在',
    'cli.serve.opt.checkpoint-interval': '接收日志增长时两次检查点之间的秒数（默认 1）',
    'cli.serve.bad-interval': '{flag} 必须是大于 0、不超过 3600 的秒数',
  },
);
