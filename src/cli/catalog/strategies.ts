import { defineMessages } from '../i18n/define.js';

/**
 * `sealpost routes test --strategies` (issue 12): which DNS and TLS strategies get through on this
 * network, per route, in both languages.
 */
export const strategiesCli = defineMessages(
  {
    'cli.routes.opt.strategies':
      'probe every DNS and TLS strategy combination of each route (the route\'s own, the center file\'s defaults, --doh, --strategy) and show which get through on this network',
    'cli.routes.table.dns': 'DNS',
    'cli.routes.table.tls': 'TLS',
    'cli.routes.strategies.system-dns': 'system resolver',
    'cli.routes.strategies.plain-tls': 'plain',
    'cli.routes.strategies.works': '{route}: gets through with DNS {dns} and TLS {tls}',
    'cli.routes.strategies.fails': '{route}: never got through with DNS {dns}; TLS {tls}',
    'cli.routes.strategies.none': '{route}: no combination gets through on this network',
    'cli.routes.strategies.tested': '{ok} of {total} combinations get through ({routes} routes)',
  },
  {
    'cli.routes.opt.strategies': '探测每条线路的每一种 DNS 与 TLS 策略组合（线路自带的、中心文件的默认值、--doh、--strategy），显示在当前网络上哪些能够通过',
    'cli.routes.table.dns': 'DNS',
    'cli.routes.table.tls': 'TLS',
    'cli.routes.strategies.system-dns': '系统解析器',
    'cli.routes.strategies.plain-tls': '不分片',
    'cli.routes.strategies.works': '{route}：使用 DNS {dns} 和 TLS {tls} 可以通过',
    'cli.routes.strategies.fails': '{route}：以下策略在任何组合中都未能通过：DNS {dns}；TLS {tls}',
    'cli.routes.strategies.none': '{route}：在当前网络上没有任何组合能够通过',
    'cli.routes.strategies.tested': '{total} 种组合中有 {ok} 种可以通过（{routes} 条线路）',
  },
);
