import { NotFoundError, StoreUnavailableError, ValidationError } from '@qms/domain-kernel';
import type { EventStore } from '@qms/event-store';
import { ReadModelOriginError } from '@qms/projection-engine';
import { ConfigurationError } from '../../api/src/config/app-config';
import type { CliIo } from './cli-io';
import type { CliCommand } from './commands/command';
import { COMMANDS } from './commands';
import { EXIT, type ExitCode, UsageError } from './exit-codes';
import { openEventStore } from './event-store-access';

export const PROGRAM = 'npm run cli --';

export interface CliOptions {
  readonly commands?: readonly CliCommand[];
  /** How the store is opened; the default reads the API's environment. */
  readonly openStore?: (env: CliIo['env'], options: { readonly writes?: boolean }) => Promise<EventStore>;
}

/** Runs one subcommand and returns its exit code; every failure is one line saying what to do. */
export async function runCli(argv: readonly string[], io: CliIo, options: CliOptions = {}): Promise<ExitCode> {
  const commands = options.commands ?? COMMANDS;
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(help(commands, args[0]));
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.stderr.write(`Unknown command "${name}". Commands: ${commands.map((candidate) => candidate.name).join(', ')}. Run "${PROGRAM} help".\n`);
    return EXIT.USAGE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(help(commands, name));
    return EXIT.OK;
  }
  let store: Promise<EventStore> | undefined;
  const open = options.openStore ?? openEventStore;
  try {
    return await command.run(args, {
      io,
      eventStore: () => (store ??= open(io.env, { writes: command.appendsEvents === true })),
      eventStoreFromEnvironment: options.openStore === undefined,
    });
  } catch (error) {
    const [code, message] = explain(error, command);
    io.stderr.write(`${message}\n`);
    return code;
  } finally {
    if (store !== undefined) await store.then((opened) => opened.close()).catch(() => undefined);
  }
}

function explain(error: unknown, command: CliCommand): [ExitCode, string] {
  const usage = `Usage: ${PROGRAM} ${command.name} ${command.usage}`;
  if (error instanceof UsageError) return [EXIT.USAGE, `${error.message} ${usage}`];
  if (isParseArgsError(error)) return [EXIT.USAGE, `${oneLine(error.message)}. ${usage}`];
  if (error instanceof ConfigurationError) return [EXIT.CONFIGURATION, `Configuration: ${error.message}`];
  // The read-model file or database belongs to another event log: which one to use is configuration.
  if (error instanceof ReadModelOriginError) return [EXIT.CONFIGURATION, error.message];
  if (error instanceof StoreUnavailableError) return [EXIT.STORE_UNAVAILABLE, error.message];
  if (error instanceof NotFoundError) return [EXIT.NOT_FOUND, error.message];
  if (error instanceof ValidationError || error instanceof RangeError) return [EXIT.USAGE, `${oneLine(error.message)}. ${usage}`];
  const detail = error instanceof Error ? oneLine(error.message) : String(error);
  return [EXIT.INTERNAL, `${command.name} failed: ${detail}. Nothing was changed; retry, and report this line if it persists.`];
}

/**
 * node:util parseArgs reports unknown options and stray arguments with ERR_PARSE_ARGS_* codes.
 * Checked by shape: Node's own errors may come from another realm than this module's `Error`.
 */
function isParseArgsError(error: unknown): error is { code: string; message: string } {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS') && typeof message === 'string';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/[.:]\s*$/, '');
}

function help(commands: readonly CliCommand[], name?: string): string {
  const one = commands.find((command) => command.name === name);
  if (one) return `${one.summary}.\nUsage: ${PROGRAM} ${one.name} ${one.usage}\n`;
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]   (reads the same EVENTSTORE_URL / EVENTS_DB_PATH as the API)`,
    '',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    `Exit codes: 0 ok, 1 check failed, 2 usage, 3 configuration, 4 store unavailable, 5 not found.`,
    '',
  ].join('\n');
}
