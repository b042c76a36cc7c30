/** The censorship lab (network namespaces, root only): bench/lab.ts, shared by the lab tests and bench/race. */
export { Lab, labSkipReason } from '../../bench/lab.js';
