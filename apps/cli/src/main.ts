import { runCli } from './cli';
import { processIo } from './cli-io';

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
