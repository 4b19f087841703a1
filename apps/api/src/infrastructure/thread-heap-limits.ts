import { setFlagsFromString } from 'node:v8';

/**
 * `npm start` caps the API thread's heap with node's `--max-old-space-size`. That is a V8 flag,
 * and V8 reads it again for every isolate created afterwards, over the resource limits a worker
 * thread is started with: the projections thread would run under the API's cap instead of
 * PROJECTIONS_HEAP_MB. The API thread's heap was configured when it started; clearing the flag
 * now keeps that cap and lets every thread started from here on run under its own limits.
 */
export function letThreadsKeepTheirOwnHeapLimits(): void {
  setFlagsFromString('--max-old-space-size=0');
}
