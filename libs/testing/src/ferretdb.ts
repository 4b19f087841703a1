import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Socket } from 'node:net';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';

/**
 * MongoDB for tests: a real server named by MONGO_URL (CI starts FerretDB with
 * tools/ferretdb/run.sh and exports it), or a FerretDB this process starts itself.
 */

export function mongoTestUrl(): string | undefined {
  const url = process.env['MONGO_URL'];
  return url === undefined || url.trim() === '' ? undefined : url.trim();
}

/**
 * What serves MONGO_URL, for MongoReadStore's `compatibility` option: MONGO_COMPATIBILITY=ferretdb
 * when it is FerretDB (CI), MongoDB otherwise.
 */
export function mongoTestCompatibility(): 'mongodb' | 'ferretdb' {
  return process.env['MONGO_COMPATIBILITY']?.trim() === 'ferretdb' ? 'ferretdb' : 'mongodb';
}

/**
 * `describe` when MONGO_URL is set, otherwise `describe.skip` with a one-line reason, so that the
 * default `npm test` needs no database and says what it left out.
 */
export function describeWithMongo(name: string, body: (url: string) => void): void {
  const url = mongoTestUrl();
  if (url === undefined) {
    console.info(`${name}: skipped, MONGO_URL is not set (eval "$(bash tools/ferretdb/run.sh)" to run it)`);
    describe.skip(name, () => {
      it('needs MONGO_URL', () => undefined);
    });
    return;
  }
  describe(name, () => body(url));
}

/** A database or prefix name no other run uses, safe on a shared server (≤ 38 characters). */
export function uniqueTestName(prefix: string): string {
  const safe = prefix.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 16);
  return `${safe}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export interface RunningFerretDb {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const RUN_SCRIPT = resolve(__dirname, '../../../tools/ferretdb/run.sh');

/** Starts a throwaway FerretDB (building it on first use); `stop` kills it and removes its files. */
export async function startFerretDb(): Promise<RunningFerretDb> {
  const output = await new Promise<string>((done, fail) => {
    execFile('bash', [RUN_SCRIPT], { timeout: 180_000 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`tools/ferretdb/run.sh failed: ${error.message}\n${stderr}`));
      else done(stdout);
    });
  });
  const values = new Map(
    output
      .split('\n')
      .map((line) => line.match(/^([A-Z_]+)=(.*)$/))
      .filter((match): match is RegExpMatchArray => match !== null)
      .map((match) => [match[1] ?? '', match[2] ?? '']),
  );
  const url = values.get('MONGO_URL');
  const pid = Number(values.get('FERRETDB_PID'));
  const dir = values.get('FERRETDB_DIR');
  if (url === undefined || !Number.isInteger(pid) || dir === undefined) {
    throw new Error(`tools/ferretdb/run.sh printed no MONGO_URL/FERRETDB_PID/FERRETDB_DIR:\n${output}`);
  }
  return {
    url,
    pid,
    async stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await waitForExit(pid, 5000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Exited meanwhile.
  }
}

export interface OutageProxy {
  /** MONGO_URL rewritten to go through the proxy. */
  readonly url: string;
  /** Drops every connection and refuses new ones: "MongoDB is down". */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a single-host MongoDB URL that a test can cut and restore, to prove
 * that a component fails clearly while the store is down and recovers once it is back.
 */
export async function startOutageProxy(
  targetUrl: string,
  options: { startCut?: boolean } = {},
): Promise<OutageProxy> {
  const match = targetUrl.match(/^mongodb:\/\/(?:[^@/]*@)?([^/,?:]+):(\d+)(.*)$/);
  if (match === null)
    throw new Error(`startOutageProxy needs a single-host mongodb:// URL with a port, got ${targetUrl}`);
  const [, host = '', port = '', rest = ''] = match;
  let up = options.startCut !== true;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(port), host);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  return {
    url: `mongodb://127.0.0.1:${address.port}${rest}`,
    cut() {
      up = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      up = true;
    },
    async close() {
      up = false;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
