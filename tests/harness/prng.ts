/** mulberry32 (bench/prng.ts): a tiny seeded PRNG, so randomised tests repeat exactly for a seed. */
export { mulberry32 as seeded } from '../../bench/prng.js';
