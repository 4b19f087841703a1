import { type MessagePort, Worker, type ResourceLimits } from 'node:worker_threads';
import { letThreadsKeepTheirOwnHeapLimits } from './thread-heap-limits';
import { threadLaunch } from './typescript-bootstrap';

/** The one message a one-shot thread posts: its result, or why it failed. */
export type FromOneShotThread<Result> =
  | { readonly type: 'done'; readonly result: Result }
  | { readonly type: 'failed'; readonly failure: { readonly name: string; readonly message: string } };

export interface OneShotThread {
  /** The calling module's folder and file, and the thread script's name beside it (see threadLaunch). */
  readonly folder: string;
  readonly name: string;
  readonly caller: string;
  readonly resourceLimits: ResourceLimits;
  /** The Error a failure reported by the thread becomes. */
  readonly failed: (failure: { readonly name: string; readonly message: string }) => Error;
  /** The Error the thread's own end becomes: out of its heap, crashed, or exited without answering. */
  readonly crashed: (cause: { readonly outOfMemory: boolean; readonly message: string }) => Error;
}

/**
 * Runs one job in a worker thread started for it, under its own heap limits, and resolves with the
 * one result it posts (`answerOnce` on the thread's side). For work that would hold the API's
 * event loop for long: a verifying rebuild, a workbook built in memory.
 */
export function runInThread<Result>(thread: OneShotThread, workerData: Record<string, unknown>): Promise<Result> {
  const how = threadLaunch(thread.folder, thread.name, thread.caller);
  letThreadsKeepTheirOwnHeapLimits();
  const worker = new Worker(how.script, { eval: how.eval, workerData: { ...workerData, ...how.extra }, resourceLimits: thread.resourceLimits });
  return new Promise<Result>((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: FromOneShotThread<Result>) => {
      settled = true;
      if (message.type === 'done') resolve(message.result);
      else reject(thread.failed(message.failure));
    });
    worker.on('error', (error) => {
      settled = true;
      reject(thread.crashed({ outOfMemory: (error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY', message: error.message }));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(thread.crashed({ outOfMemory: false, message: `it stopped (exit code ${code}) before it finished` }));
    });
  });
}

/** The thread's side of runInThread: runs `job`, posts its result or its failure, and lets the thread end. */
export async function answerOnce<Result>(port: MessagePort, job: () => Promise<Result>): Promise<void> {
  let outcome: FromOneShotThread<Result>;
  try {
    outcome = { type: 'done', result: await job() };
  } catch (error) {
    outcome = { type: 'failed', failure: error instanceof Error ? { name: error.constructor.name, message: error.message } : { name: 'Error', message: String(error) } };
  }
  port.postMessage(outcome);
  port.close();
}
