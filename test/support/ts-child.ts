import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { typeScriptBootstrap } from '../../apps/api/src/infrastructure/typescript-bootstrap';

/** Runs a TypeScript file of this repository as its own Node process, without a build. */
export function spawnTypeScript(entry: string, env: Record<string, string>): ChildProcess {
  const bootstrap = typeScriptBootstrap('{ swc: process.env.QMS_SWC, libs: process.env.QMS_LIBS, entry: process.env.QMS_ENTRY }');
  return spawn(process.execPath, ['-e', bootstrap], {
    env: { ...process.env, ...env, QMS_SWC: require.resolve('@swc/core'), QMS_LIBS: join(__dirname, '../../libs'), QMS_ENTRY: entry },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}
