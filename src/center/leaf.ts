/** The received log's leaf (spec 5): moved to src/log/leaf.ts so that the client's `verify` uses it too. */
export { LEAF_SIZE, hourOf, receivedLeaf } from '../log/leaf.js';
