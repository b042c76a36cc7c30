import { defineMessages } from '../i18n/define.js';

/**
 * The texts of src/errors.ts's generic keys (`error.envelope`, `error.route`) and the CLI's wrapper
 * of an internal error. errors.ts writes its own English `message`; these are what the CLI prints.
 */
export const common = defineMessages(
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
