/**
 * The writer thread: owns the write connection, so the fsync of every commit waits here while
 * the main thread keeps serving. Requests that arrive during a commit queue in the port and all
 * join the next one. Loads no `@qms/*` module: under TypeScript sources it is compiled on the fly.
 *
 * The thread never returns to its event loop: it blocks on the request counter of the shared
 * signal (Atomics.wait) and takes the requests with receiveMessageOnPort. Blocking is harmless
 * here, the thread has nothing else to do; Worker.terminate() interrupts the wait.
 */
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { oneLine } from '../append-validation';
import { SqliteAppender } from './sqlite-appender';
import { connectEventDatabase } from './sqlite-connection';
import {
  type FromWriter,
  LAST_COMMIT_MICROS,
  REQUESTS_POSTED,
  REQUESTS_TAKEN,
  WRITER_ASLEEP,
  type StorageFailure,
  type ToWriter,
  type WriterWorkerData,
  decodeWrites,
  encodeOutcomes,
} from './sqlite-writer-protocol';

type Request = Extract<ToWriter, { type: 'append' }>;

/**
 * After a commit the thread polls the counter this long before it sleeps, when the previous
 * request came within this window too: a command usually follows its predecessor's
 * acknowledgement that soon, and waking a sleeping thread (a futex wake, on a virtual machine an
 * idle vCPU) costs tens of microseconds per append. After a longer pause it sleeps at once, so
 * that a quiet store costs no CPU.
 */
const SPIN_MS = 0.15;

const port = ((): MessagePort => {
  if (parentPort === null) throw new Error('sqlite-writer-worker must run in a worker thread.');
  return parentPort;
})();
const send = (message: FromWriter): void => port.postMessage(message);
const { path, signal: signalBuffer } = workerData as WriterWorkerData;
const signal = new Int32Array(signalBuffer);
/** Whether to poll before sleeping (see SPIN_MS). */
let spin = true;

let db: Database.Database;
let appender: SqliteAppender;
try {
  db = connectEventDatabase(path);
  appender = new SqliteAppender(db);
} catch (error) {
  send({ type: 'open-failed', message: oneLine(error) });
  process.exit(1);
}

serve();

function serve(): void {
  let seen = 0;
  for (;;) {
    seen = waitForRequests(seen);
    Atomics.store(signal, REQUESTS_TAKEN, seen);
    // Every message posted up to the counter just read is already in the port: take them all,
    // so that every request that arrived during the previous commit joins this one.
    const requests: Request[] = [];
    let closing = false;
    for (let message = next(); message !== undefined; message = next()) {
      if (message.type === 'append') requests.push(message);
      else closing = true;
    }
    commit(requests);
    if (closing) break;
  }
  db.close();
  send({ type: 'closed' });
  port.close();
}

/** Returns once the counter has moved past `seen`, with its new value. */
function waitForRequests(seen: number): number {
  const started = performance.now();
  if (spin) {
    const until = started + SPIN_MS;
    while (Atomics.load(signal, REQUESTS_POSTED) === seen && performance.now() < until) {
      // Polling: see SPIN_MS.
    }
  }
  if (Atomics.load(signal, REQUESTS_POSTED) === seen) {
    Atomics.store(signal, WRITER_ASLEEP, 1);
    Atomics.wait(signal, REQUESTS_POSTED, seen);
    Atomics.store(signal, WRITER_ASLEEP, 0);
  }
  spin = performance.now() - started < SPIN_MS;
  return Atomics.load(signal, REQUESTS_POSTED);
}

function next(): ToWriter | undefined {
  return (receiveMessageOnPort(port)?.message as ToWriter | undefined) ?? undefined;
}

function commit(requests: readonly Request[]): void {
  if (requests.length === 0) return;
  const ids = requests.map((request) => request.id);
  const started = performance.now();
  try {
    const outcomes = encodeOutcomes(appender.commit(requests.map((request) => decodeWrites(request.writes))));
    const micros = Math.round((performance.now() - started) * 1000);
    Atomics.store(signal, LAST_COMMIT_MICROS, Math.min(micros, 2 ** 31 - 1));
    send({ type: 'committed', ids, outcomes });
  } catch (error) {
    send({ type: 'failed', ids, failure: asFailure(error) });
  }
}

function asFailure(error: unknown): StorageFailure {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
}
