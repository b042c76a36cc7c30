/**
 * Process settings the CLI makes before any other module runs (same reasons as src/cli/main.ts):
 * Liftoff only, set before undici loads its WebAssembly; and no process-wide switch for TLS checks
 * (issue 6 finding 7). A module of its own because the exe entry's imports run before its body.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
