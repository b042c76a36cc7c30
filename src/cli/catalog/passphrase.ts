import { defineMessages } from '../i18n/define.js';

/** The texts of the passphrase offer and the clear-storage warning (src/cli/passphrase.ts; wire spec 9). */
export const passphrase = defineMessages(
  {
    'cli.passphrase.offer': 'sealpost is about to keep something on this device. Protect it with a passphrase?',
    'cli.passphrase.set': 'passphrase set: it is asked whenever kept data is read or written (or set SEALPOST_PASSPHRASE); if it is forgotten, what was kept cannot be opened',
    'cli.passphrase.clear': 'what sealpost keeps in {home} is stored in the clear: a passphrase protects it (run the command on a terminal to set one, or set SEALPOST_PASSPHRASE)',
    'cli.passphrase.needed': 'what sealpost keeps in {home} is protected by a passphrase, and none was given: set SEALPOST_PASSPHRASE, or run the command on a terminal to be asked (nothing was written)',
  },
  {
    'cli.passphrase.offer': 'sealpost 将在本设备上保存内容。要用口令保护它吗？',
    'cli.passphrase.set': '口令已设置：之后读取或保存内容时都会询问（也可设置 SEALPOST_PASSPHRASE）；忘记口令后，已保存的内容将无法打开',
    'cli.passphrase.clear': 'sealpost 保存在 {home} 中的内容未加密：设置口令可以保护它（在终端上运行命令即可设置，或设置 SEALPOST_PASSPHRASE）',
    'cli.passphrase.needed': 'sealpost 保存在 {home} 中的内容受口令保护，但没有提供口令：请设置 SEALPOST_PASSPHRASE，或在终端上运行命令以便输入口令（未写入任何内容）',
  },
);
