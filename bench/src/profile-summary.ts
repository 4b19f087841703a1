import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by area (our
 * libraries, the API, each npm package, Node internals, GC), and total (inclusive) time of our
 * own functions — enough to say what dominates a measurement without opening a profiler.
 *
 *   node dist/bench/src/profile-summary.js bench/results/profiles/api.cpuprofile [--top 25]
 */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  readonly name: string;
  readonly ms: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idlePercent: number;
  readonly byArea: readonly ProfileLine[];
  readonly selfByFunction: readonly ProfileLine[];
  /** Inclusive time of functions in libs/ and apps/ (a caller counts once per sample). */
  readonly totalByOwnFunction: readonly ProfileLine[];
}

export function summarizeProfile(path: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfTime = new Map<number, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = (profile.timeDeltas[index] ?? 0) / 1000;
    total += delta;
    selfTime.set(id, (selfTime.get(id) ?? 0) + delta);
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const node = byId.get(current)!;
      if (!isOwn(node.callFrame.url)) continue;
      const key = functionKey(node);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
    }
  });
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, ms] of selfTime) {
    const node = byId.get(id)!;
    areas.set(areaOf(node), (areas.get(areaOf(node)) ?? 0) + ms);
    functions.set(functionKey(node), (functions.get(functionKey(node)) ?? 0) + ms);
  }
  const lines = (map: Map<string, number>, count: number): ProfileLine[] =>
    [...map]
      .sort(([, a], [, b]) => b - a)
      .slice(0, count)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), percent: Math.round((ms / total) * 1000) / 10 }));
  return {
    totalMs: Math.round(total),
    idlePercent: Math.round(((areas.get('(idle)') ?? 0) / total) * 1000) / 10,
    byArea: lines(areas, 20),
    selfByFunction: lines(functions, top),
    totalByOwnFunction: lines(inclusive, top),
  };
}

function isOwn(url: string): boolean {
  return /\/dist\/(libs|apps|bench)\//.test(url);
}

function functionKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === '' ? '' : ` ${shortPath(url)}:${lineNumber + 1}`;
  return `${functionName || '(anonymous)'}${where}`;
}

function shortPath(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = /node_modules\/(.*)$/.exec(path);
  if (inModules) return inModules[1]!;
  const inDist = /\/dist\/(.*)$/.exec(path);
  if (inDist) return inDist[1]!;
  return path.startsWith('/') ? relative(process.cwd(), path) : path;
}

function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === '') {
    if (['(idle)', '(garbage collector)', '(program)', '(root)'].includes(functionName)) return functionName;
    return '(native)';
  }
  if (url.startsWith('node:')) return 'node internals';
  const lib = /\/dist\/libs\/([^/]+)\//.exec(url);
  if (lib) return `libs/${lib[1]}`;
  if (/\/dist\/apps\/api\//.test(url)) return 'apps/api';
  if (/\/dist\/bench\//.test(url)) return 'bench';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1]!;
  return shortPath(url);
}

if (require.main === module) {
  // Piped into head: stop quietly when the reader goes away.
  process.stdout.on('error', () => process.exit(0));
  const [path, ...rest] = process.argv.slice(2);
  if (path === undefined) {
    process.stderr.write('usage: node dist/bench/src/profile-summary.js <file.cpuprofile> [--top n]\n');
    process.exit(2);
  }
  const topAt = rest.indexOf('--top');
  const summary = summarizeProfile(path, topAt >= 0 ? Number(rest[topAt + 1]) : 25);
  const print = (title: string, lines: readonly ProfileLine[]) => {
    process.stdout.write(`\n${title}\n`);
    for (const line of lines)
      process.stdout.write(
        `  ${String(line.percent).padStart(5)} %  ${String(line.ms).padStart(7)} ms  ${line.name}\n`,
      );
  };
  process.stdout.write(`${path}: ${summary.totalMs} ms sampled, ${summary.idlePercent} % idle\n`);
  print('self time by area', summary.byArea);
  print('self time by function', summary.selfByFunction);
  print('total time of our functions (libs/, apps/, bench/)', summary.totalByOwnFunction);
}
