import { formatComplaintNumber } from '@qms/complaint-domain';
import { type EventStore, WrongExpectedVersionError } from '@qms/event-store';
import { complaintStreamId } from '@qms/complaint-domain';

/**
 * Gap-free yearly complaint numbers without a separate counter: number N is taken exactly when
 * stream complaint-CC-<year>-N exists, and a registration claims it by appending with
 * expected revision `no_stream`. Only a successful append consumes a number, so a refused
 * registration leaves no gap; a conflict (another process took N) moves on to N+1.
 * Within this process registrations of one year are serialised, so 20 parallel requests do not
 * race each other through conflicts.
 */
export class ComplaintNumberAllocator {
  private readonly nextCandidate = new Map<number, number>();
  private readonly queues = new Map<number, Promise<unknown>>();

  constructor(private readonly store: EventStore) {}

  allocate<Result>(year: number, register: (complaintNumber: string) => Promise<Result>): Promise<Result> {
    const previous = this.queues.get(year) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.claim(year, register));
    this.queues.set(year, run);
    return run;
  }

  private async claim<Result>(year: number, register: (complaintNumber: string) => Promise<Result>): Promise<Result> {
    let candidate = this.nextCandidate.get(year) ?? (await this.firstFree(year));
    for (;;) {
      try {
        const result = await register(formatComplaintNumber(year, candidate));
        this.nextCandidate.set(year, candidate + 1);
        return result;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) {
          this.nextCandidate.set(year, candidate);
          throw error;
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
