import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Source of a Node entry script that runs a TypeScript file of this repository without a build:
 * swc compiles each file as Node loads it, and `@qms/*` resolves to the libraries' sources as
 * tsconfig's paths do. `settings` is a JavaScript expression, evaluated in the new thread or
 * process, that yields `{ swc, libs, entry }`: swc's module path, the libs folder, the file to run.
 */
export function typeScriptBootstrap(settings: string): string {
  return `
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const settings = ${settings};
const swc = require(settings.swc);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const mapped = request.startsWith('@qms/') ? join(settings.libs, request.slice(5), 'src', 'index.ts') : request;
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
require(settings.entry);
`;
}

/** How to start a thread on one of this repository's scripts: the compiled file, or its source through the bootstrap. */
export interface ThreadLaunch {
  readonly script: string;
  readonly eval: boolean;
  /** Goes into the thread's workerData: the bootstrap's settings, when it runs from source. */
  readonly extra: Record<string, string>;
}

const THREAD_BOOTSTRAP = typeScriptBootstrap("require('node:worker_threads').workerData");

/**
 * The compiled thread script `<name>.js` in `folder`; run from TypeScript sources (Jest, ts-node)
 * a bootstrap compiles the thread's files with swc as Node loads them and resolves `@qms/*` to the
 * libraries' sources, as tsconfig's paths do. `caller` is the calling module's own file name.
 */
export function threadLaunch(folder: string, name: string, caller: string): ThreadLaunch {
  const compiled = join(folder, `${name}.js`);
  if (!caller.endsWith('.ts') && existsSync(compiled)) return { script: compiled, eval: false, extra: {} };
  return {
    script: THREAD_BOOTSTRAP,
    eval: true,
    extra: { swc: require.resolve('@swc/core'), entry: join(folder, `${name}.ts`), libs: LIBS_FOLDER },
  };
}

const LIBS_FOLDER = join(__dirname, '../../../../libs');
