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
