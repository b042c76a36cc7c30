import { defineMessages } from '../i18n/define.js';

export const messages = defineMessages(
  {
    'transport.bad-route': 'route {id}: {why}',
    'transport.kind-unsupported': 'route kind {kind} is not supported by this version',
    'transport.envelope-bad-version': 'the envelope has a wrong version byte',
    'transport.envelope-bad-length': 'the envelope has a wrong length',
  },
  {
    'transport.bad-route': '线路 {id}：{why}',
    'transport.kind-unsupported': '此版本不支持 {kind} 类型的线路',
    'transport.envelope-bad-version': '信封的版本字节错误',
    'transport.envelope-bad-length': '信封长度错误',
  },
);
