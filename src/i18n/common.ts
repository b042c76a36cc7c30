import { defineMessages } from './define.js';

export const messages = defineMessages(
  {
    'error.envelope': 'the envelope cannot be opened',
    'error.route': 'route failed: {outcome}',
    'error.internal': 'internal error: {message}',
  },
  {
    'error.envelope': '无法打开此信封',
    'error.route': '线路失败：{outcome}',
    'error.internal': '内部错误：{message}',
  },
);
