import { complaintStreamId, formatComplaintNumber } from '@qms/complaint-domain';
import { AppendInterruptedError, type AppendResult, type EventStore, type StreamWrite, type StreamWriteOutcome, WrongExpectedVersionError } from '@qms/event-store';

/** One registration as the allocator needs it: decided under a number, or registered the slow way. */
export interface NumberedRegistration<Result> {
  /**
   * Decides the registration under this number without touching the store; throws when the
   * registration is refused (then it uses no number). The last write is the complaint's and must
   * expect `no_stream`; writes before it (an Idempotency-Key's claim) are linked to it with
   * `withPrevious` on the complaint's write.
   */
  prepare(complaintNumber: string): { readonly writes: readonly StreamWrite[]; complete(result: AppendResult): Result };
  /** Decides and appends under this number; a WrongExpectedVersionError means the number is taken. */
  register(complaintNumber: string): Promise<Result>;
}

interface Waiting<Result> {
  readonly registration: NumberedRegistration<Result>;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gap-free yearly complaint numbers without a separate counter: number N is taken exactly when
 * stream complaint-CC-<year>-N exists, and a registration claims it by appending with
 * expected revision `no_stream`. Only a successful append consumes a number, so a refused
 * registration leaves no gap; a conflict (another process took N) moves on to N+1.
 *
 * Within this process registrations of one year are serialised, but not one commit each: the
 * registrations that queued while the previous group was being written are decided first (a
 * refused one leaves the group and uses no number), then the valid ones get the next consecutive
 * numbers and are appended in one `appendToStreams` call (one commit). That keeps the invariant
 * "N exists when N+1 does": the group is appended in order and stops at the first refused
 * registration (`stopAtRefusal`), so the stored complaints are always a prefix of the group, after
 * a crash too; a registration refused because its number exists (another process took it) or its
 * Idempotency-Key was claimed meanwhile, and the ones after it, are retried one by one.
 */
export class ComplaintNumberAllocator {
  private readonly nextCandidate = new Map<number, number>();
  private readonly waiting = new Map<number, Waiting<unknown>[]>();
  private readonly draining = new Set<number>();

  constructor(private readonly store: EventStore) {}

  allocate<Result>(year: number, registration: NumberedRegistration<Result>): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const queue = this.waiting.get(year) ?? [];
      queue.push({ registration, resolve, reject } as Waiting<unknown>);
      this.waiting.set(year, queue);
      if (!this.draining.has(year)) void this.drain(year);
    });
  }

  private async drain(year: number): Promise<void> {
    this.draining.add(year);
    try {
      for (;;) {
        // Finding the first free number takes reads: registrations arriving meanwhile join the group.
        let candidate = this.nextCandidate.get(year);
        let failure: unknown;
        if (candidate === undefined) candidate = await this.firstFree(year).catch((error: unknown) => void (failure = error));
        const group = this.waiting.get(year)?.splice(0) ?? [];
        if (group.length === 0) return;
        if (candidate === undefined) for (const item of group) item.reject(failure);
        else await this.claimGroup(year, candidate, group);
      }
    } finally {
      this.draining.delete(year);
    }
  }

  private async claimGroup(year: number, candidate: number, group: readonly Waiting<unknown>[]): Promise<void> {
    const decided: { item: Waiting<unknown>; prepared: ReturnType<NumberedRegistration<unknown>['prepare']> }[] = [];
    for (const item of group) {
      try {
        decided.push({ item, prepared: item.registration.prepare(formatComplaintNumber(year, candidate + decided.length)) });
      } catch (error) {
        item.reject(error);
      }
    }
    if (decided.length === 0) return;
    let outcomes: StreamWriteOutcome[];
    let failure: unknown;
    try {
      outcomes = await this.store.appendToStreams(
        decided.flatMap(({ prepared }) => prepared.writes),
        { stopAtRefusal: true },
      );
    } catch (error) {
      // A store without multi-stream transactions says which writes landed before it failed.
      outcomes = error instanceof AppendInterruptedError ? [...error.outcomes] : [];
      failure = error;
    }
    let at = 0;
    let taken = 0;
    const refused: Waiting<unknown>[] = [];
    for (const [index, { item, prepared }] of decided.entries()) {
      const own = outcomes.slice(at, at + prepared.writes.length);
      at += prepared.writes.length;
      const complaint = own.at(-1);
      if (own.length === prepared.writes.length && own.every((outcome) => outcome.ok) && complaint?.ok === true) {
        taken = index + 1;
        try {
          item.resolve(prepared.complete(complaint.result));
        } catch (error) {
          item.reject(error);
        }
        continue;
      }
      // Its number is used only when the complaint's own write found the stream existing.
      if (complaint?.ok === false && complaint.error instanceof WrongExpectedVersionError) taken = index + 1;
      if (failure !== undefined) item.reject(failure);
      else refused.push(item);
    }
    if (failure !== undefined) {
      // What the interrupted write did is unknown: find the first free number afresh.
      this.nextCandidate.delete(year);
      return;
    }
    this.nextCandidate.set(year, candidate + taken);
    for (const item of refused) await this.claimOne(year, item);
  }

  /** The one-by-one path: the next number, and on a conflict the one after. */
  private async claimOne(year: number, item: Waiting<unknown>): Promise<void> {
    let candidate: number;
    try {
      candidate = this.nextCandidate.get(year) ?? (await this.firstFree(year));
    } catch (error) {
      item.reject(error);
      return;
    }
    for (;;) {
      try {
        const result = await item.registration.register(formatComplaintNumber(year, candidate));
        this.nextCandidate.set(year, candidate + 1);
        item.resolve(result);
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) {
          this.nextCandidate.set(year, candidate);
          item.reject(error);
          return;
        }
        candidate += 1;
      }
    }
  }

  /** Numbers 1..N-1 exist and N does not (the gap-free invariant): find N with O(log N) reads. */
  private async firstFree(year: number): Promise<number> {
    const taken = async (sequence: number): Promise<boolean> =>
      (await this.store.readStream(complaintStreamId(formatComplaintNumber(year, sequence)), { maxCount: 1 })).length > 0;
    let known = 0;
    let probe = 1;
    while (await taken(probe)) {
      known = probe;
      probe *= 2;
    }
    while (probe - known > 1) {
      const middle = Math.floor((known + probe) / 2);
      if (await taken(middle)) known = middle;
      else probe = middle;
    }
    return known + 1;
  }
}
