import type { Messages } from './define.js';
import { messages as common } from './common.js';
import { messages as statement } from '../statement/messages.js';
import { messages as crypto } from '../crypto/messages.js';
import { messages as transport } from '../transport/messages.js';
import { messages as center } from '../center/messages.js';
import { messages as cli } from '../cli/messages.js';

export const catalogs: readonly Messages[] = [common, statement, crypto, transport, center, cli];
