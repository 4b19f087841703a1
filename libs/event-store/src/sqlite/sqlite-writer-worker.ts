/**
 * The writer thread: owns the write connection, so the fsync of every commit waits here while
 * the main thread keeps serving. Requests that arrive during a commit queue in the port and all
 * join the next one. Loads no `@qms/*` module: under TypeScript sources it is compiled on the fly.
 */
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { oneLine } from '../append-validation';
import { SqliteAppender } from './sqlite-appender';
import { connectEventDatabase } from './sqlite-connection';
import type { FromWriter, SerializedWrite, StorageFailure, ToWriter, WriterWorkerData } from './sqlite-writer-protocol';

interface Request {
  readonly id: number;
  readonly writes: readonly SerializedWrite[];
}

const port = ((): MessagePort => {
  if (parentPort === null) throw new Error('sqlite-writer-worker must run in a worker thread.');
  return parentPort;
})();
const send = (message: FromWriter): void => port.postMessage(message);

let db: Database.Database;
let appender: SqliteAppender;
try {
  db = connectEventDatabase((workerData as WriterWorkerData).path);
  appender = new SqliteAppender(db);
} catch (error) {
  send({ type: 'open-failed', message: oneLine(error) });
  process.exit(1);
}

port.on('message', (first: ToWriter) => {
  // The port hands over one message per call; take the others already waiting at once, so that
  // every request that arrived during the previous commit joins this one.
  const requests: Request[] = [];
  let closing = false;
  for (let message: ToWriter | undefined = first; message !== undefined; message = next()) {
    if (message.type === 'append') requests.push(message);
    else closing = true;
  }
  commit(requests);
  if (closing) {
    db.close();
    send({ type: 'closed' });
    port.close();
  }
});

function next(): ToWriter | undefined {
  return (receiveMessageOnPort(port)?.message as ToWriter | undefined) ?? undefined;
}

function commit(requests: readonly Request[]): void {
  if (requests.length === 0) return;
  const ids = requests.map((request) => request.id);
  try {
    const outcomes = appender.commit(requests.map((request) => request.writes));
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
