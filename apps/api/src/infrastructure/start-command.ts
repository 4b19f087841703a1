import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How `npm start` runs the API in production: environment settings that must be in place before
 * the process starts (the C allocator's), then node's options (the heap cap). The container image
 * runs the same; the soak test and the benchmark start the API with it too, so that what they
 * measure is what an installation runs. package.json stays the one place they are set.
 */
export interface ProductionStart {
  readonly environment: Readonly<Record<string, string>>;
  readonly nodeOptions: readonly string[];
}

export function productionStart(packageJsonPath = repositoryManifest()): ProductionStart {
  const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { scripts?: Record<string, string> };
  const start = manifest.scripts?.['start'];
  const match = start === undefined ? null : /^((?:[A-Z_][A-Z0-9_]*=\S+\s+)*)node\s+(.*?)\s*dist\/apps\/api\/src\/main\.js$/.exec(start);
  if (match === null) throw new Error(`package.json "start" is not "[NAME=value …] node [options] dist/apps/api/src/main.js": ${String(start)}`);
  const words = (text: string | undefined) => (text ?? '').split(/\s+/).filter((word) => word !== '');
  const environment = Object.fromEntries(words(match[1]).map((assignment) => [assignment.slice(0, assignment.indexOf('=')), assignment.slice(assignment.indexOf('=') + 1)]));
  return { environment, nodeOptions: words(match[2]) };
}

/** From the sources (apps/api/src/…) or from the build (dist/apps/api/src/…). */
function repositoryManifest(): string {
  const candidates = [join(__dirname, '..', '..', '..', '..', 'package.json'), join(__dirname, '..', '..', '..', '..', '..', 'package.json')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error(`package.json not found beside ${__dirname}`);
  return found;
}
