import 'reflect-metadata';
import { serveChild } from './child';
import { parseOptions } from './options';
import { handlersFor } from './roles';

/**
 * `npm run bench`: builds (npm script), then measures every part in child processes and writes
 * bench/results/latest.json and BENCHMARKS.md. Started with `--child <role>` it is one of those
 * children, serving the parent's calls.
 */
const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  serveChild(handlersFor(process.argv[childAt + 1] ?? ''));
} else {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const chosen = options;
  // Only here: a child process is one role and imports that role's modules alone (roles.ts).
  import('./orchestrator')
    .then(async ({ renderAgain, runBenchmarks }) => {
      if (chosen.render) renderAgain(chosen);
      else await runBenchmarks(chosen, __filename);
    })
    .catch((error: unknown) => {
      process.stderr.write(`Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    });
}
