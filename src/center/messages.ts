import { english } from '../english.js';

/**
 * The intake's English. `center.error.<code>` are the `message` of the HTTP error answers (spec 7:
 * `{"error": <code>, "message": <English text>}`) and of serve's startup errors; the CLI prints them
 * translated (src/cli/catalog/center.ts holds the zh-CN: issue 7, lower layers own their English).
 */
export const messages = {
  'center.error.too-large': 'the body is larger than the largest envelope (16433 bytes)',
  'center.error.bad-version': 'the envelope does not start with version byte 0x01',
  'center.error.bad-length': 'the envelope is not 1073, 4145 or 16433 bytes long',
  'center.error.bad-token': 'the Sealpost-Token header must be the base64 of 16 bytes',
  'center.error.overloaded': 'the intake is overloaded, retry later',
  'center.error.not-found': 'no such resource',
  'center.error.no-route-list': 'this intake publishes no route list',
  'center.error.bad-route-list': '{file} is not a route list of {center}',
  'center.error.method-not-allowed': 'method not allowed for this resource',
  'center.error.timeout': 'the request was too slow',
  'center.error.bad-request': 'malformed HTTP request',
  'center.error.headers-too-large': 'the request headers are too large',
  'center.error.expectation-failed': 'this server meets no expectation but 100-continue',
  'center.error.internal': 'internal error',
  'center.error.bad-listen': 'bad listen address {listen}: expected host:port, e.g. 127.0.0.1:8080 or [::1]:8080',
  'center.error.tls-pair': '--tls-cert and --tls-key go together',
  'center.error.no-file': '{file} does not exist',
  'center.error.file-permission': 'no permission to read {file}',
  'center.error.unreadable': 'cannot read {file}',
  'center.error.bad-tls': '{cert} and {key} are not a PEM certificate and its private key',
  'center.error.data-not-folder': 'the data folder {dir} is a file, or inside one',
  'center.error.data-permission': 'no permission to make or use the data folder {dir}',
  'center.error.address-in-use': 'cannot listen on {listen}: the address is in use (is another server running there?)',
  'center.error.listen-permission': 'cannot listen on {listen}: no permission (ports below 1024 need privileges)',
  'center.error.address-not-local': 'cannot listen on {listen}: it is not an address of this machine',
  'center.error.listen-unknown-host': 'cannot listen on {listen}: unknown host name',
  'center.log.store-failed': 'storing an envelope failed: {message}',
  'center.error.bad-parameter': 'the query parameters must be given once each, as decimal numbers (index and size, or from and to)',
  'center.error.bad-range': 'no such proof: an inclusion proof needs index < size, a consistency proof 1 <= from <= to',
  'center.error.beyond-checkpoint': 'the tree size is beyond the latest checkpoint',
  'center.error.no-checkpoint': 'the received log has no checkpoint yet, retry later',
  'center.error.no-log': '{dir} holds no received log with a checkpoint: run sealpost serve with this data folder first',
  'center.log.checkpoint-failed': 'signing a checkpoint of the received log failed: {message}',
  'center.log.cosign-failed': 'collecting witness cosignatures failed: {message}',
  'center.error.deps-missing':
    'the center (serve, demo) needs the optional package {package}, which is not installed or not built here: install it with npm install {package}@{version} (it builds from C++ when no prebuilt binary can be downloaded), or reinstall sealpost without --omit=optional',
  'center.error.exe-client-only':
    'this single executable is the client only: run the center (serve, demo, tally) from the npm package (npm install sealpost)',
} as const;

/** The English of `key`, filled from `params` (an error's `message`). */
export const englishText = english(messages);
