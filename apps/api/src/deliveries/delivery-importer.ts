import { createHash } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { CommandExecutor, CommandMetadata } from '@qms/command-handling';
import {
  createDeliveryDecider,
  type CsvEncoding,
  type DeliveryCsvRow,
  deliveryStreamId,
  type LocalTimeToInstant,
  parseDeliveryCsv,
  type RecordDelivery,
} from '@qms/delivery-domain';
import { type Actor, IllegalStateError, ValidationError } from '@qms/domain-kernel';
import { withCorrectionHint } from './correction-hint';
import { type DeliveryBatchOutcome, RecordDeliveryBatchCommand } from './delivery.commands';

/**
 * all-or-nothing (default): every row is checked first — its fields, its order line against what
 * is already recorded, and against the other rows of the file — and the file is imported only when
 * no row is bad, as an ERP user expects of an upload. validate: the same check, nothing written.
 * good-rows: one pass that imports the good rows and reports the bad ones.
 */
export const DELIVERY_IMPORT_MODES = ['all-or-nothing', 'validate', 'good-rows'] as const;
export type DeliveryImportMode = (typeof DELIVERY_IMPORT_MODES)[number];

export interface RejectedRow {
  /** The line an editor shows for the row (1 = the header). */
  readonly line: number;
  readonly errors: readonly string[];
}

export interface DeliveryImportReport {
  readonly mode: DeliveryImportMode;
  /** Rows read after the header, good and bad (an unusable header counts as one bad row). */
  readonly rows: number;
  /** Deliveries appended by this import. */
  readonly imported: number;
  /** Rows whose order line is already recorded with the same facts (or repeated in the file): nothing appended. */
  readonly alreadyPresent: number;
  /** validate only: deliveries a real import would append. */
  readonly toImport?: number;
  readonly rejected: readonly RejectedRow[];
  /** False when nothing was written: validate mode, or an all-or-nothing file with bad rows. */
  readonly committed: boolean;
}

export interface DeliveryImportProgress {
  readonly phase: 'validating' | 'importing';
  readonly rows: number;
  readonly bytes: number;
}

/** Opens the CSV; all-or-nothing reads it twice (check, then import), so it must be re-openable. */
export type CsvSource = () => Readable;

export interface DeliveryImportOptions {
  readonly mode?: DeliveryImportMode;
  readonly metadata: Pick<CommandMetadata, 'actor' | 'correlationId' | 'causationId'>;
  /** As declared by the sender (Content-Type charset, CLI --encoding); UTF-8 otherwise. */
  readonly encoding?: CsvEncoding;
  readonly onProgress?: (progress: DeliveryImportProgress) => void;
}

const PROGRESS_EVERY_ROWS = 500;

/**
 * Rows between two turns of the event loop. The file arrives in chunks of a thousand rows or so,
 * and each row's check reads its order line from the store, which on SQLite resolves at once:
 * a chunk's rows held every other request for a few hundred milliseconds.
 */
const ROWS_PER_TURN = 100;

/**
 * Bulk deliveries from an ERP export, shared by POST /deliveries/import and the CLI. Streams the
 * file one row at a time. Rows are decided like a single POST /deliveries (CommandExecutor.executeMany),
 * so the events carry the same metadata and hash chain, and are written in batches; order + line is the identity, so a second
 * import of the same file appends nothing. A crash half-way leaves the rows imported so far, and
 * importing the file again completes it.
 */
/** Rows per store commit: large enough to amortise the disk sync, small enough to show progress. */
const WRITE_BATCH = 500;

/** The @nestjs/cqrs CommandBus in the API; the same handler called directly in the CLI. */
export interface DeliveryBatchBus {
  execute(command: RecordDeliveryBatchCommand): Promise<DeliveryBatchOutcome[]>;
}

export interface DeliveryImportSettings {
  readonly delimiter?: string;
  /** Reads local date-times (no offset) in the policy's time zone. */
  readonly localTime?: LocalTimeToInstant;
}

export class DeliveryImporter {
  private readonly decider = createDeliveryDecider();

  constructor(
    /** Reads only: the dry run of all-or-nothing and validate modes. */
    private readonly executor: CommandExecutor,
    private readonly bus: DeliveryBatchBus,
    private readonly clock: () => Date,
    private readonly settings: DeliveryImportSettings = {},
  ) {}

  async import(source: CsvSource, options: DeliveryImportOptions): Promise<DeliveryImportReport> {
    const mode = options.mode ?? 'all-or-nothing';
    // No Idempotency-Key per row: a row's identity is its order line, which makes retries safe.
    const { actor, correlationId, causationId } = options.metadata;
    const metadata: CommandMetadata = { actor, correlationId, causationId };
    if (mode === 'good-rows') return this.write(source, metadata, mode, options);
    const checked = await this.check(source, actor, options);
    if (mode === 'validate') return { mode, ...checked, imported: 0, committed: false };
    if (checked.rejected.length > 0) {
      return {
        mode,
        rows: checked.rows,
        imported: 0,
        alreadyPresent: 0,
        rejected: checked.rejected,
        committed: false,
      };
    }
    return this.write(source, metadata, mode, options);
  }

  private async check(source: CsvSource, actor: Actor, options: DeliveryImportOptions) {
    const firstLineOf = new Map<string, { line: number; facts: string }>();
    const rejected: RejectedRow[] = [];
    let rows = 0;
    let toImport = 0;
    let alreadyPresent = 0;
    for await (const row of this.rows(source, 'validating', options)) {
      rows += 1;
      if ('errors' in row) {
        rejected.push({ line: row.lineNumber, errors: row.errors });
        continue;
      }
      const { delivery, lineNumber: line } = row;
      const streamId = deliveryStreamId(delivery.orderNo, delivery.lineNo);
      const facts = factsDigest(delivery);
      const earlier = firstLineOf.get(streamId);
      if (earlier !== undefined) {
        if (earlier.facts === facts) alreadyPresent += 1;
        else {
          rejected.push({
            line,
            errors: [
              `order ${delivery.orderNo} line ${delivery.lineNo} is also on line ${earlier.line} with different facts; keep one, a change is a correction`,
            ],
          });
        }
        continue;
      }
      firstLineOf.set(streamId, { line, facts });
      const verdict = await this.dryRun(streamId, delivery, actor);
      if (verdict === 'new') toImport += 1;
      else if (verdict === 'present') alreadyPresent += 1;
      else rejected.push({ line, errors: verdict.errors });
    }
    return { rows, toImport, alreadyPresent, rejected };
  }

  private async dryRun(
    streamId: string,
    delivery: RecordDelivery,
    actor: Actor,
  ): Promise<'new' | 'present' | { errors: string[] }> {
    const { state } = await this.executor.load(this.decider, streamId);
    try {
      return this.decider.decide(delivery, state, { now: this.clock(), actor }).length > 0
        ? 'new'
        : 'present';
    } catch (error) {
      const errors = rowErrors(error);
      if (errors === undefined) throw error;
      return { errors };
    }
  }

  private async write(
    source: CsvSource,
    metadata: CommandMetadata,
    mode: DeliveryImportMode,
    options: DeliveryImportOptions,
  ): Promise<DeliveryImportReport> {
    const rejected: RejectedRow[] = [];
    let rows = 0;
    let imported = 0;
    let alreadyPresent = 0;
    let batch: { line: number; delivery: RecordDelivery }[] = [];
    // Rows go to the store WRITE_BATCH at a time: one commit (one disk sync) per batch instead of per row.
    const flush = async (): Promise<void> => {
      const outcomes = await this.bus.execute(
        new RecordDeliveryBatchCommand(
          batch.map(({ delivery }) => delivery),
          metadata,
        ),
      );
      for (const [index, outcome] of outcomes.entries()) {
        if (!('error' in outcome)) {
          if (outcome.appendedEventIds.length > 0) imported += 1;
          else alreadyPresent += 1;
          continue;
        }
        // After a clean check only a concurrent writer gets here; in good-rows mode, a conflict.
        const errors = rowErrors(outcome.error);
        if (errors === undefined) throw outcome.error;
        rejected.push({ line: batch[index]!.line, errors });
      }
      batch = [];
    };
    for await (const row of this.rows(source, 'importing', options)) {
      rows += 1;
      if ('errors' in row) {
        rejected.push({ line: row.lineNumber, errors: row.errors });
        continue;
      }
      batch.push({ line: row.lineNumber, delivery: row.delivery });
      if (batch.length >= WRITE_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    rejected.sort((a, b) => a.line - b.line);
    return { mode, rows, imported, alreadyPresent, rejected, committed: true };
  }

  private async *rows(
    source: CsvSource,
    phase: DeliveryImportProgress['phase'],
    { onProgress, encoding }: DeliveryImportOptions,
  ): AsyncGenerator<DeliveryCsvRow> {
    let bytes = 0;
    let rows = 0;
    const input = source();
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    input.on('error', (error) => counted.destroy(error));
    input.pipe(counted);
    const options = {
      now: this.clock(),
      ...(this.settings.delimiter ? { delimiter: this.settings.delimiter } : {}),
      ...(this.settings.localTime ? { localTime: this.settings.localTime } : {}),
      ...(encoding ? { encoding } : {}),
    };
    onProgress?.({ phase, rows, bytes });
    try {
      for await (const row of parseDeliveryCsv(counted, options)) {
        rows += 1;
        if (onProgress && rows % PROGRESS_EVERY_ROWS === 0) onProgress({ phase, rows, bytes });
        if (rows % ROWS_PER_TURN === 0) await yieldToEventLoop();
        yield row;
      }
    } finally {
      // Drain what was not read rather than destroy: an HTTP request's stream owns the socket the
      // answer still has to go out on.
      if (!input.readableEnded) {
        input.unpipe(counted);
        input.resume();
      }
    }
    onProgress?.({ phase, rows, bytes });
  }
}

/** A row-level refusal becomes that row's errors; anything else (store down, forbidden) ends the import. */
function rowErrors(error: unknown): string[] | undefined {
  if (error instanceof ValidationError)
    return error.fieldErrors.map((field) => `${field.field}: ${field.message}`);
  if (error instanceof IllegalStateError) return [withCorrectionHint(error).message];
  return undefined;
}

function factsDigest(delivery: RecordDelivery): string {
  const { customerId, partNo, quantity, promisedDate, deliveredAt, premiumFreight } = delivery;
  return createHash('sha1')
    .update(
      JSON.stringify([customerId, partNo, quantity, promisedDate, deliveredAt, premiumFreight ?? false]),
    )
    .digest('base64');
}
