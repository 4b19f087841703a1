import type { EventStore } from '@qms/event-store';
import type { CliIo } from '../cli-io';
import type { ExitCode } from '../exit-codes';

export interface CliContext {
  readonly io: CliIo;
  /** Opened on first use and closed by the dispatcher after the command. */
  eventStore(): Promise<EventStore>;
  /**
   * The event store is the environment's (EVENTSTORE_URL or EVENTS_DB_PATH), so another thread
   * opens the same one from `io.env`; false when the caller handed its own.
   */
  readonly eventStoreFromEnvironment: boolean;
}

/** One subcommand; one file per subcommand under commands/, listed in commands/index.ts. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Arguments after the command name, e.g. `[--stream <id>] [--json]`. */
  readonly usage: string;
  /** Whether it appends events: only then may a missing SQLite event store be created. */
  readonly appendsEvents?: boolean;
  run(args: readonly string[], context: CliContext): Promise<ExitCode>;
}
