/** The benchmark's command line: `npm run bench -- [--scale 0.1] [--only append,http] …`. */
export const PARTS = ['append', 'http', 'rebuild', 'read', 'memory'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
  readonly scale: number;
  readonly only: readonly Part[];
  readonly seed: string;
  /** Generate the history even when a cached one exists. */
  readonly regenerate: boolean;
  /** Verify the hash chain of the generated history (audit verifyStore) before measuring. */
  readonly verifyHistory: boolean;
  /** Run the measuring children with --cpu-prof into bench/results/profiles. */
  readonly profile: boolean;
  /** Measure nothing: render BENCHMARKS.md again from the results file and bench/analysis.md. */
  readonly render: boolean;
  /** Seconds of load per HTTP endpoint. */
  readonly httpSeconds: number;
  readonly connections: number;
  /** Longest replay into MongoDB before it is stopped and reported as partial. */
  readonly mongoSeconds: number;
  readonly mongoUrl: string | undefined;
  readonly out: string;
  readonly markdown: string | undefined;
}

const USAGE = `npm run bench -- [options]
  --scale <n>          size of the history (1 = 1,000 customers, 100,000 complaints, 1,000,000 deliveries); default 1
  --only <parts>       comma-separated: ${PARTS.join(', ')} (default: all)
  --seed <text>        seed of the generated history (default qms-bench)
  --regenerate         generate the history even if a cached copy exists under data/bench/
  --verify-history     verify the hash chain of the whole generated history first
  --profile            write CPU profiles of the measuring processes to bench/results/profiles/
  --render             measure nothing: render BENCHMARKS.md again from the results (after editing bench/analysis.md)
  --http-seconds <n>   load duration per HTTP endpoint (default 15)
  --connections <n>    concurrent HTTP connections (default 10)
  --mongo-seconds <n>  time box of the rebuild into MongoDB (default 120)
  --out <file>         results JSON (default bench/results/latest.json)
  --markdown <file>    BENCHMARKS.md to regenerate (default BENCHMARKS.md when the run is complete)`;

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (!argument.startsWith('--')) throw new Error(`Unexpected argument ${argument}\n${USAGE}`);
    const [name, inline] = argument.slice(2).split('=', 2) as [string, string | undefined];
    if (['regenerate', 'verify-history', 'profile', 'render', 'help'].includes(name)) {
      flags.add(name);
      continue;
    }
    const value = inline ?? argv[++index];
    if (value === undefined) throw new Error(`--${name} needs a value\n${USAGE}`);
    values.set(name, value);
  }
  if (flags.has('help')) throw new Error(USAGE);
  const known = ['scale', 'only', 'seed', 'http-seconds', 'connections', 'mongo-seconds', 'out', 'markdown'];
  const unknown = [...values.keys()].find((name) => !known.includes(name));
  if (unknown !== undefined) throw new Error(`Unknown option --${unknown}\n${USAGE}`);
  const number = (name: string, fallback: number) => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isFinite(parsed) || parsed <= 0)
      throw new Error(`--${name} must be a positive number, got ${raw}`);
    return parsed;
  };
  const only = (values.get('only') ?? PARTS.join(',')).split(',').map((part) => part.trim());
  const bad = only.find((part) => !(PARTS as readonly string[]).includes(part));
  if (bad !== undefined) throw new Error(`--only: unknown part ${bad}; use ${PARTS.join(', ')}`);
  const mongoUrl = env['MONGO_URL']?.trim();
  return {
    scale: number('scale', 1),
    only: only as Part[],
    seed: values.get('seed') ?? 'qms-bench',
    regenerate: flags.has('regenerate'),
    verifyHistory: flags.has('verify-history'),
    profile: flags.has('profile'),
    render: flags.has('render'),
    httpSeconds: number('http-seconds', 15),
    connections: Math.round(number('connections', 10)),
    mongoSeconds: number('mongo-seconds', 120),
    mongoUrl: mongoUrl === undefined || mongoUrl === '' ? undefined : mongoUrl,
    out: values.get('out') ?? 'bench/results/latest.json',
    markdown: values.get('markdown'),
  };
}
