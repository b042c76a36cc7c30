/**
 * Every catalog the CLI prints from: the lower layers' English with the CLI's zh-CN of it, and the
 * CLI's own texts. The dependency points down (issue 7, build point 3): the modules know nothing of
 * this list, and the center and the statement validator load no CLI or transport text.
 */
import type { Messages } from '../i18n/define.js';
import { messages as cli } from '../messages.js';
import { center } from './center.js';
import { commander } from './commander.js';
import { common } from './common.js';
import { compose } from './compose.js';
import { crypto } from './crypto.js';
import { outbox, outboxModule } from './outbox.js';
import { log } from './log.js';
import { logCli } from './log-cli.js';
import { passphrase } from './passphrase.js';
import { relayCli, relayModule } from './relay.js';
import { statement } from './statement.js';
import { strategiesCli } from './strategies.js';
import { countedModule, tallyCli, tallyModule } from './tally.js';
import { transport } from './transport.js';
import { ui } from './ui.js';
import { values } from './values.js';
import { verifyCli } from './verify.js';
import { witnessCli, witnessModule } from './witness.js';

export const catalogs: readonly Messages[] = [common, statement, crypto, transport, center, values, commander, compose, cli, outboxModule, outbox, relayModule, relayCli, passphrase, log, logCli, witnessModule, witnessCli, verifyCli, countedModule, tallyModule, tallyCli, ui, strategiesCli];
