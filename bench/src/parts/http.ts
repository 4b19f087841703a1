import { ratio, summarize, type LatencySummary } from '../stats';

/**
 * Part 2: HTTP commands on the embedded default, driven by autocannon from this (the parent)
 * process while the API runs in its own: one core each on the 2-core machine. Latencies are the
 * raw per-response times autocannon reports, summarised here.
 */
export interface HttpArgs {
  readonly url: string;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  /** Complaints waiting in action planning, by department (the dev key of that department plans on them). */
  readonly actionPlanningPool: Readonly<Record<string, readonly string[]>>;
}

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly latency: LatencySummary;
  readonly firstFailure?: string;
}

export interface HttpResult {
  readonly connections: number;
  readonly seconds: number;
  /**
   * Per measured load with the projections running: how far behind the read models were before
   * its warm-up and how long they took to catch up, which the benchmark waits for.
   */
  readonly settledBefore?: Readonly<Record<string, { readonly eventsBehind: number; readonly seconds: number }>>;
  /**
   * Diagnostic, not a target figure: the same two commands after the projection engine was
   * stopped, i.e. the command path alone (validation, stream read, decide, hash, durable append).
   */
  readonly withoutProjections?: {
    readonly registerComplaint: LoadResult;
    readonly addCorrectiveAction: LoadResult;
  };
  readonly registerComplaint: {
    readonly ours: LoadResult;
    readonly floor: LoadResult;
    readonly ratio: number | null;
  };
  readonly addCorrectiveAction: {
    readonly ours: LoadResult;
    readonly floor: LoadResult;
    readonly ratio: number | null;
    readonly complaints: number;
  };
}

interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface AutocannonInstance {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void,
  ): void;
  on(event: 'reqError', listener: (error: Error) => void): void;
}

type Autocannon = ((
  options: Record<string, unknown>,
  callback: (error: Error | null, result: AutocannonSummary) => void,
) => AutocannonInstance) & {
  track?: unknown;
};

interface AutocannonSummary {
  readonly requests: { readonly total: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly duration: number;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

const SALES = 'Bearer dev-sales';
const DEPARTMENT_KEYS: Readonly<Record<string, string>> = {
  assembly: 'Bearer dev-department-assembly',
  molding: 'Bearer dev-department-molding',
};

function load(
  url: string,
  seconds: number,
  connections: number,
  next: () => AutocannonRequest,
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const samples: number[] = [];
    let firstFailure: string | undefined;
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        requests: [{ setupRequest: () => next() }],
        timeout: 30,
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        resolve({
          requests: samples.length,
          seconds: result.duration,
          requestsPerSecond: samples.length / result.duration,
          non2xx: result.non2xx,
          errors: result.errors,
          latency: summarize(samples),
          ...(firstFailure !== undefined ? { firstFailure } : {}),
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      samples.push(responseTime);
      if (statusCode >= 300 && firstFailure === undefined) firstFailure = `HTTP ${statusCode}`;
    });
    instance.on('reqError', (error) => {
      firstFailure ??= error.message;
    });
  });
}

/** Called around each measured load (not its warm-up): the orchestrator profiles the API there. */
export interface PhaseHooks {
  before(phase: string): Promise<void>;
  after(phase: string): Promise<void>;
}

const NO_HOOKS: PhaseHooks = { before: async () => undefined, after: async () => undefined };

/** The API's projections, as far as the loads need them. */
export interface LoadProjections {
  /** Waits until the read models hold every stored event (see api-server.ts settleProjections). */
  settle(): Promise<{ eventsBehind: number; seconds: number }>;
  /** Stops them, for the diagnostic loads of the command path alone. */
  pause(): Promise<void>;
}

async function measured(
  args: HttpArgs,
  hooks: PhaseHooks,
  phase: string,
  label: string,
  next: () => AutocannonRequest,
  settle?: () => Promise<void>,
): Promise<LoadResult> {
  process.stderr.write(`http: ${label}\n`);
  // Each load starts from current read models, not with what the previous load left to project.
  await settle?.();
  await load(args.url, args.warmupSeconds, args.connections, next);
  await hooks.before(phase);
  const result = await load(args.url, args.seconds, args.connections, next);
  await hooks.after(phase);
  if (result.non2xx > 0 || result.errors > 0) {
    process.stderr.write(
      `http: ${label}: ${result.non2xx} non-2xx answers, ${result.errors} errors (first: ${result.firstFailure ?? '?'})\n`,
    );
  }
  return result;
}

export async function runHttp(
  args: HttpArgs,
  hooks: PhaseHooks = NO_HOOKS,
  projections?: LoadProjections,
): Promise<HttpResult> {
  const settledBefore: Record<string, { eventsBehind: number; seconds: number }> = {};
  const settleFor = (phase: string) =>
    projections === undefined
      ? undefined
      : async () => {
          settledBefore[phase] = await projections.settle();
        };
  const now = Date.now();
  const registration = JSON.stringify({
    customerId: 'C0001',
    customerContact: 'Li Wei',
    partNo: 'P-10000',
    lot: 'L20261101-1',
    defectDescription: 'Burr on the flange edge, sharp to the touch',
    quantityAffected: 12,
    severity: 'urgent',
    channel: 'email',
    receivedAt: new Date(now - 3_600_000).toISOString(),
    returnNeeded: true,
    customerProductionAffected: false,
  });
  const register = (path: string) => () => ({
    method: 'POST',
    path,
    headers: { authorization: SALES, 'content-type': 'application/json' },
    body: registration,
  });

  const pool = Object.entries(args.actionPlanningPool).flatMap(([department, numbers]) =>
    DEPARTMENT_KEYS[department] === undefined
      ? []
      : numbers.map((number) => ({ number, key: DEPARTMENT_KEYS[department]! })),
  );
  if (pool.length === 0)
    throw new Error('the history has no complaint waiting in action planning for the benchmark departments');
  const corrective = JSON.stringify({
    description: 'Change the punch every 80,000 strokes and add a burr check to the first-piece inspection',
    owner: 'assembly.engineer',
    dueAt: new Date(now + 45 * 86_400_000).toISOString().slice(0, 10),
    similarProductsCovered: ['P-10003'],
    similarProcessesCovered: ['stamping line 2'],
    pfmea: { revised: true, revision: 'PFMEA-P-10000-R4' },
    controlPlan: { revised: false, reason: 'Detection control unchanged' },
  });
  // Round robin over the waiting complaints: a few actions each, as a real backlog gets them.
  let turn = 0;
  const addAction = (prefix: string) => () => {
    const target = pool[turn++ % pool.length]!;
    return {
      method: 'POST',
      path: `${prefix}/complaints/${target.number}/corrective-actions`,
      headers: { authorization: target.key, 'content-type': 'application/json' },
      body: corrective,
    };
  };

  const registerFloor = await measured(
    args,
    hooks,
    'http-register-floor',
    'no-op with the register-complaint body (floor)',
    register('/bench/noop/complaints'),
    settleFor('http-register-floor'),
  );
  const registerOurs = await measured(
    args,
    hooks,
    'http-register',
    'POST /complaints (register complaint)',
    register('/complaints'),
    settleFor('http-register'),
  );
  const actionFloor = await measured(
    args,
    hooks,
    'http-add-action-floor',
    'no-op with the corrective-action body (floor)',
    addAction('/bench/noop'),
    settleFor('http-add-action-floor'),
  );
  turn = 0;
  const actionOurs = await measured(
    args,
    hooks,
    'http-add-action',
    'POST /complaints/:n/corrective-actions (add action)',
    addAction(''),
    settleFor('http-add-action'),
  );
  let withoutProjections: HttpResult['withoutProjections'];
  if (projections !== undefined) {
    await projections.pause();
    withoutProjections = {
      registerComplaint: await measured(
        args,
        hooks,
        'http-register-no-projections',
        'POST /complaints, projections stopped (diagnostic)',
        register('/complaints'),
      ),
      addCorrectiveAction: await measured(
        args,
        hooks,
        'http-add-action-no-projections',
        'POST /complaints/:n/corrective-actions, projections stopped (diagnostic)',
        addAction(''),
      ),
    };
  }
  return {
    connections: args.connections,
    seconds: args.seconds,
    ...(projections !== undefined ? { settledBefore } : {}),
    ...(withoutProjections !== undefined ? { withoutProjections } : {}),
    registerComplaint: {
      ours: registerOurs,
      floor: registerFloor,
      ratio: ratio(registerOurs.requestsPerSecond, registerFloor.requestsPerSecond),
    },
    addCorrectiveAction: {
      ours: actionOurs,
      floor: actionFloor,
      ratio: ratio(actionOurs.requestsPerSecond, actionFloor.requestsPerSecond),
      complaints: pool.length,
    },
  };
}
