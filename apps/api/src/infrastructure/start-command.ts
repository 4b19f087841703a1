import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How an npm script runs one of our programs: environment settings that must be in place before
 * the process starts (the C allocator's), then node's options (heap sizes). The container image
 * runs the API the same way; the soak test and the benchmark start the API and the rebuild with
 * them too, so that what they measure is what an installation runs. package.json stays the one
 * place they are set.
 */
export interface ScriptStart {
  readonly environment: Readonly<Record<string, string>>;
  readonly nodeOptions: readonly string[];
}

/** `npm start`: the API. */
export function productionStart(packageJsonPath = repositoryManifest()): ScriptStart {
  return scriptStart(packageJsonPath, 'start', 'dist/apps/api/src/main.js');
}

/** `npm run cli`: the command line, whose rebuilds the benchmark measures. */
export function commandLineStart(packageJsonPath = repositoryManifest()): ScriptStart {
  return scriptStart(packageJsonPath, 'cli', 'dist/apps/cli/src/main.js');
}

function scriptStart(packageJsonPath: string, name: string, entry: string): ScriptStart {
  const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { scripts?: Record<string, string> };
  const script = manifest.scripts?.[name];
  const pattern = new RegExp(`^((?:[A-Z_][A-Z0-9_]*=\\S+\\s+)*)node\\s+(.*?)\\s*${entry.replace(/[.]/g, '\\.')}$`);
  const match = script === undefined ? null : pattern.exec(script);
  if (match === null) throw new Error(`package.json "${name}" is not "[NAME=value …] node [options] ${entry}": ${String(script)}`);
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
