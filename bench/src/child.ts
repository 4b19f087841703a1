import { fork, type ChildProcess } from 'node:child_process';

/**
 * Measurements run in child processes: a fresh heap for each, an RSS of its own, and no JIT
 * state or cached pages of the JavaScript heap carried from one measurement to the next.
 * The parent calls named handlers in the child over IPC.
 */
export type Handlers = Record<string, (args: never) => Promise<unknown>>;

interface Request {
  readonly id: number;
  readonly method: string;
  readonly args: unknown;
}

type Response =
  { readonly id: number; readonly result: unknown } | { readonly id: number; readonly error: string };

/** Child side: answers the parent's calls until it sends `exit`. */
export function serveChild(handlers: Handlers): void {
  process.on('message', (message: Request) => {
    if (message.method === 'exit') {
      process.disconnect?.();
      return;
    }
    const handler = handlers[message.method] as ((args: unknown) => Promise<unknown>) | undefined;
    const run = handler ? handler(message.args) : Promise.reject(new Error(`no handler ${message.method}`));
    run.then(
      (result) => process.send?.({ id: message.id, result } satisfies Response),
      (error: unknown) =>
        process.send?.({
          id: message.id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies Response),
    );
  });
}

export interface ChildOptions {
  /** Node flags of the child (e.g. --cpu-prof, --max-old-space-size). */
  readonly execArgv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** Parent side: one child running `main.js --child <role>`. */
export class Child {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private exited: Promise<number | null>;

  private constructor(
    readonly role: string,
    private readonly process: ChildProcess,
  ) {
    process.on('message', (message: Response) => {
      const waiting = this.pending.get(message.id);
      if (waiting === undefined) return;
      this.pending.delete(message.id);
      if ('error' in message) waiting.reject(new Error(`${role} child: ${message.error}`));
      else waiting.resolve(message.result);
    });
    this.exited = new Promise((resolve) =>
      process.on('exit', (code, signal) => {
        for (const waiting of this.pending.values())
          waiting.reject(new Error(`${role} child exited (${code ?? signal}) during a call`));
        this.pending.clear();
        resolve(code);
      }),
    );
  }

  static start(script: string, role: string, options: ChildOptions = {}): Child {
    const child = fork(script, ['--child', role], {
      execArgv: [...(options.execArgv ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Child(role, child);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  call<T>(method: string, args: unknown = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.process.send({ id, method, args } satisfies Request);
    });
  }

  /** Asks the child to finish (it flushes a CPU profile on a normal exit) and waits for it. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.send({ id: 0, method: 'exit', args: null } satisfies Request);
    const timeout = setTimeout(() => this.process.kill('SIGKILL'), 60_000);
    await this.exited;
    clearTimeout(timeout);
  }
}

/** Runs one handler in a fresh child and stops it. */
export async function inChild<T>(
  script: string,
  role: string,
  method: string,
  args: unknown,
  options: ChildOptions = {},
): Promise<T> {
  const child = Child.start(script, role, options);
  try {
    return await child.call<T>(method, args);
  } finally {
    await child.stop();
  }
}
