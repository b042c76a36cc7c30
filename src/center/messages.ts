import { defineMessages } from '../i18n/define.js';

export const messages = defineMessages({}, {});
