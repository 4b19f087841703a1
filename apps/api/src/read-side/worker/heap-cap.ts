const MiB = 1024 * 1024;
/** What V8 adds to the old generation's cap in a thread's heap limit: its young generation, at most. */
const YOUNG_GENERATION_MB = 64;

/**
 * V8 takes a heap size given on the process's command line (`--max-old-space-size`, as `npm start`
 * gives the API) for every isolate, over a thread's own resource limits: PROJECTIONS_HEAP_MB then
 * does not bound the projections thread, and the operator should know which figure does. Null
 * when the thread's limit is the configured cap.
 */
export function heapCapWarning(capMb: number, heapLimitBytes: number): string | null {
  const limitMb = Math.round(heapLimitBytes / MiB);
  if (limitMb <= capMb + YOUNG_GENERATION_MB) return null;
  return `PROJECTIONS_HEAP_MB=${capMb} is not in force: the process's --max-old-space-size sets every thread's heap, this thread's limit is ${limitMb} MiB`;
}
