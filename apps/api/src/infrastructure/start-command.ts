import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node options the API runs with in production (its heap cap), as `npm start` gives them.
 * The soak test and the benchmark start the API with the same options, so that what they
 * measure is what an installation runs; package.json stays the one place they are set.
 */
export function productionNodeOptions(packageJsonPath = repositoryManifest()): string[] {
  const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { scripts?: Record<string, string> };
  const start = manifest.scripts?.['start'];
  const match = start === undefined ? null : /^node\s+(.*?)\s*dist\/apps\/api\/src\/main\.js$/.exec(start);
  if (match === null) throw new Error(`package.json "start" is not "node [options] dist/apps/api/src/main.js": ${String(start)}`);
  return (match[1] ?? '').split(/\s+/).filter((option) => option !== '');
}

/** From the sources (apps/api/src/…) or from the build (dist/apps/api/src/…). */
function repositoryManifest(): string {
  const candidates = [join(__dirname, '..', '..', '..', '..', 'package.json'), join(__dirname, '..', '..', '..', '..', '..', 'package.json')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error(`package.json not found beside ${__dirname}`);
  return found;
}
