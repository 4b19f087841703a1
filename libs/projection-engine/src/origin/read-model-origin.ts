import { IllegalStateError } from '@qms/domain-kernel';
import type { EventStore } from '@qms/event-store';
import type { Checkpoint, ReadModelOrigin, ReadStore } from '@qms/read-store';

/** What the origin check does when the read store was not built from this event log. */
export type OriginMismatchPolicy = 'refuse' | 'rebuild';

/**
 * How the check found the read store:
 * - `new`: empty, now recorded as built from this log;
 * - `adopted`: built by a version that recorded no origin, its checkpoints within this log: recorded;
 * - `matches`: built from this log;
 * - `pending`: this log is still empty (no identity yet); check again once it has an event;
 * - `rebuilt`: built from another log and cleared (policy `rebuild`): the projections build again from the first event.
 */
export type OriginCheckOutcome = 'new' | 'adopted' | 'matches' | 'pending' | 'rebuilt';

export interface OriginCheckResult {
  readonly outcome: OriginCheckOutcome;
  /** The mismatch the read store was cleared for (outcome `rebuilt`). */
  readonly mismatch?: string;
}

export interface OriginCheckOptions {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly onMismatch: OriginMismatchPolicy;
  /** Names the read store in messages: "the read models in ./data/read-models.db". */
  readonly readStoreName: string;
  /** What the operator can do instead, appended to a refusal (the settings of the host that refuses). */
  readonly remedy: string;
  readonly now?: () => Date;
}

/** The read store was built from another event log, or has read further than this log goes. */
export class ReadModelOriginError extends IllegalStateError {
  constructor(
    message: string,
    readonly mismatch: string,
  ) {
    super(message);
  }
}

/**
 * The log's identity: its first event (null while the log is empty). Holds because events are
 * never deleted (the audit trail keeps every one): on EventStoreDB a scavenged first stream would
 * make the same log read as another one, and be refused.
 */
export async function eventLogIdentity(
  eventStore: EventStore,
): Promise<Pick<ReadModelOrigin, 'firstEventId' | 'firstPosition'> | null> {
  const [first] = await eventStore.readAll({ maxCount: 1 });
  return first === undefined ? null : { firstEventId: first.id, firstPosition: first.position };
}

/**
 * Before projections follow the log into a read store, or anything serves from it: was the store
 * built from this log? A store built from another one (the events file replaced, READ_DB_PATH
 * pointing at another installation's file, an event log restored from an older backup) would
 * serve that log's figures, and its checkpoints would skip this log's events below them. The
 * store records the log's identity (its first event) with the read models; a store without one
 * (made before origins were recorded) is adopted when no checkpoint is beyond this log's head.
 *
 * Refuses with a ReadModelOriginError saying what is wrong and what to do, or with policy
 * `rebuild` clears the store so that the projections build it again from this log.
 */
export async function checkReadModelOrigin(options: OriginCheckOptions): Promise<OriginCheckResult> {
  const { eventStore, readStore } = options;
  const now = options.now ?? (() => new Date());
  const [identity, head, origin, checkpoints] = await Promise.all([
    eventLogIdentity(eventStore),
    eventStore.headPosition(),
    readStore.getOrigin(),
    readStore.listCheckpoints(),
  ]);
  const record = async (): Promise<void> => {
    if (identity !== null) await readStore.saveOrigin({ ...identity, recordedAt: now().toISOString() });
  };

  const mismatch = findMismatch(identity, head, origin, checkpoints);
  if (mismatch === null) {
    if (origin !== null) return { outcome: 'matches' };
    if (identity === null) return { outcome: 'pending' };
    await record();
    return {
      outcome: [...checkpoints.values()].some((checkpoint) => checkpoint.position > 0) ? 'adopted' : 'new',
    };
  }
  if (options.onMismatch === 'rebuild') {
    await readStore.clear();
    await record();
    return { outcome: 'rebuilt', mismatch };
  }
  throw new ReadModelOriginError(
    `${capitalised(options.readStoreName)} ${mismatch}: serving them would show that history's figures, and this log's events below their checkpoints would never be applied. ${options.remedy}`,
    mismatch,
  );
}

function findMismatch(
  identity: Pick<ReadModelOrigin, 'firstEventId' | 'firstPosition'> | null,
  head: number,
  origin: ReadModelOrigin | null,
  checkpoints: ReadonlyMap<string, Checkpoint>,
): string | null {
  if (
    origin !== null &&
    (identity === null ||
      identity.firstEventId !== origin.firstEventId ||
      identity.firstPosition !== origin.firstPosition)
  ) {
    const theirs = `first event ${origin.firstEventId} at position ${origin.firstPosition}, recorded ${origin.recordedAt}`;
    const ours =
      identity === null
        ? 'this event log is empty'
        : `this log's first event is ${identity.firstEventId} at position ${identity.firstPosition}`;
    return `were built from another event log (its ${theirs}; ${ours})`;
  }
  const beyond = [...checkpoints]
    .filter(([, checkpoint]) => checkpoint.position > head)
    .sort(([, a], [, b]) => b.position - a.position);
  const [furthest] = beyond;
  if (furthest === undefined) return null;
  const [name, checkpoint] = furthest;
  return (
    `have read up to position ${checkpoint.position} (${name}${beyond.length > 1 ? ` and ${beyond.length - 1} more` : ''}) but this event log ends at position ${head}: ` +
    `they were built from ${origin === null ? 'another or a longer' : 'a longer copy of this'} event log (an events file replaced or restored from an older backup)`
  );
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
