import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs a TypeScript file of this repository as its own Node process (no build), compiling with
 * swc as Node loads each file and resolving `@qms/*` to the libraries' sources as tsconfig does.
 */
export function spawnTypeScript(entry: string, env: Record<string, string>): ChildProcess {
  const bootstrap = `
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const swc = require(process.env.QMS_SWC);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const mapped = request.startsWith('@qms/') ? join(process.env.QMS_LIBS, request.slice(5), 'src', 'index.ts') : request;
  return resolveFilename.call(this, mapped, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
    filename,
    swcrc: false,
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require(process.env.QMS_ENTRY);
`;
  return spawn(process.execPath, ['-e', bootstrap], {
    env: { ...process.env, ...env, QMS_SWC: require.resolve('@swc/core'), QMS_LIBS: join(__dirname, '../../libs'), QMS_ENTRY: entry },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}
