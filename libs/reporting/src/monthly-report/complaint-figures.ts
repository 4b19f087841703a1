/**
 * The complaint KPIs of DESIGN §8's dictionary for one month, over complaint documents.
 * `bounds.end` is the first instant of the next month: "at the end of M" means "before it".
 */
import { CAUSE_CATEGORIES, SEVERITIES, type Severity } from '@qms/complaint-domain';
import { isOpenAt, msToClose } from '../complaint-list/complaint-timeline';
import { DAY_MS, type MonthBounds, type ReportingCalendar } from '../kpi/calendar';
import { selectsComplaint, type MonthlyReportSelection } from './report-months';
import {
  NOT_ANALYSED,
  type CauseCategoryKey,
  type ComplaintCounts,
  type ComplaintFigures,
  type ReportComplaint,
  type ReportComplaintRow,
} from './monthly-report.types';
import { asReportRow, overdueAtEndOf } from './report-complaint-row';

const CATEGORY_KEYS: readonly CauseCategoryKey[] = [...CAUSE_CATEGORIES, NOT_ANALYSED];

const within = (instant: string | null, bounds: MonthBounds): boolean =>
  instant !== null && instant >= bounds.start && instant < bounds.end;

/** x × 100 ÷ n, as the dictionary writes it; null over nothing. */
export function percent(count: number, of: number): number | null {
  return of === 0 ? null : (count * 100) / of;
}

// NUL never occurs in ids typed by people or exported by an ERP, so the key cannot collide.
type RepeatFacts = Pick<ReportComplaintRow, '_id' | 'customerId' | 'partNo' | 'receivedAt' | 'rootCause' | 'reopenedFrom'>;

const repeatKey = (complaint: RepeatFacts): string | null =>
  complaint.rootCause === null
    ? null
    : `${complaint.customerId}\u0000${complaint.partNo}\u0000${complaint.rootCause.category}`;

/** What repeat detection keeps of a complaint: a few strings, whatever the document's size. */
interface RepeatCandidate {
  readonly _id: string;
  readonly customerId: string;
  readonly receivedAt: string;
}

const byReceipt = (a: RepeatCandidate, b: RepeatCandidate): number =>
  a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a._id < b._id ? -1 : a._id > b._id ? 1 : 0;

/**
 * Repeat complaints received in the month: reopened ones, and those with the same customer, part
 * and cause category as a complaint received earlier (at most the repeat window before). The
 * first complaint of such a series is not a repeat; a complaint is counted once whatever the
 * reason. Cause categories are the latest recorded, so a category recorded later can make a past
 * month's complaint a repeat (the affected months are recomputed, see report-months.ts).
 *
 * Complaints are offered one at a time, in any order, each once.
 */
class MonthRepeats {
  private readonly reopened = new Map<string, string>();
  private readonly series = new Map<string, RepeatCandidate[]>();
  private readonly windowMs: number;

  constructor(private readonly selection: MonthlyReportSelection) {
    this.windowMs = Date.parse(selection.start) - Date.parse(selection.repeatWindowStart);
  }

  offer(complaint: RepeatFacts): void {
    // Only complaints of the month and their possible predecessors can make a repeat this month.
    if (complaint.receivedAt < this.selection.repeatWindowStart || complaint.receivedAt >= this.selection.end) return;
    const { _id, customerId, receivedAt } = complaint;
    if (within(receivedAt, this.selection) && complaint.reopenedFrom !== null) this.reopened.set(_id, customerId);
    const key = repeatKey(complaint);
    if (key === null) return;
    const members = this.series.get(key);
    const candidate = { _id, customerId, receivedAt };
    if (members === undefined) this.series.set(key, [candidate]);
    else members.push(candidate);
  }

  /** Each repeat's number with its customer. */
  found(): Map<string, string> {
    const repeats = new Map(this.reopened);
    for (const members of this.series.values()) {
      members.sort(byReceipt);
      for (let index = 1; index < members.length; index += 1) {
        const complaint = members[index] as RepeatCandidate;
        const previous = members[index - 1] as RepeatCandidate;
        if (!within(complaint.receivedAt, this.selection)) continue;
        if (Date.parse(complaint.receivedAt) - Date.parse(previous.receivedAt) <= this.windowMs) repeats.set(complaint._id, complaint.customerId);
      }
    }
    return repeats;
  }
}

/** The numbers of the month's repeat complaints (see MonthRepeats). */
export function findRepeats(complaints: readonly RepeatFacts[], selection: MonthlyReportSelection): Set<string> {
  const repeats = new MonthRepeats(selection);
  for (const complaint of complaints) repeats.offer(complaint);
  return new Set(repeats.found().keys());
}

interface MutableCounts {
  received: number;
  closed: number;
  openAtEnd: number;
  overdueAtEnd: number;
}

const zeroCounts = (): MutableCounts => ({ received: 0, closed: 0, openAtEnd: 0, overdueAtEnd: 0 });

const counts = (c: MutableCounts): ComplaintCounts => ({
  received: c.received,
  closed: c.closed,
  openAtEnd: c.openAtEnd,
  overdueAtEnd: c.overdueAtEnd,
});

/** Where a complaint stands in the month. */
interface MonthPosition {
  readonly received: boolean;
  readonly closed: boolean;
  readonly open: boolean;
  readonly overdue: boolean;
}

/** One section's complaint figures (the total, or one customer's), summed one complaint at a time. */
class SectionTally {
  private readonly total = zeroCounts();
  private readonly bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, zeroCounts()])) as Record<Severity, MutableCounts>;
  private readonly byCauseCategory = Object.fromEntries(CATEGORY_KEYS.map((c) => [c, zeroCounts()])) as Record<CauseCategoryKey, MutableCounts>;
  private readonly byDepartment = new Map<string | null, MutableCounts>();
  private reopenedReceived = 0;
  private containmentOnTime = 0;
  private actionReplyOnTime = 0;
  // Whole milliseconds add up exactly: the sum does not depend on the order complaints come in.
  private msToCloseTotal = 0;
  private eightDClosed = 0;
  private eightDOnTime = 0;
  private defectiveQuantity = 0;

  add(complaint: ReportComplaintRow, position: MonthPosition): void {
    let department = this.byDepartment.get(complaint.department);
    if (department === undefined) {
      department = zeroCounts();
      this.byDepartment.set(complaint.department, department);
    }
    const buckets = [this.total, this.bySeverity[complaint.severity], this.byCauseCategory[complaint.rootCause?.category ?? NOT_ANALYSED], department];
    for (const bucket of buckets) {
      if (position.received) bucket.received += 1;
      if (position.closed) bucket.closed += 1;
      if (position.open) bucket.openAtEnd += 1;
      if (position.overdue) bucket.overdueAtEnd += 1;
    }
    if (position.received) {
      if (complaint.reopenedFrom !== null) this.reopenedReceived += 1;
      if (complaint.containment.met === true) this.containmentOnTime += 1;
      if (complaint.actionReply.met === true) this.actionReplyOnTime += 1;
      if (complaint.responsibility?.decision === 'ours') this.defectiveQuantity += complaint.responsibility.quantityAffected;
    }
    if (position.closed) {
      this.msToCloseTotal += msToClose(complaint) ?? 0;
      if (complaint.result === 'resolved') {
        this.eightDClosed += 1;
        if (complaint.eightDOnTime === true) this.eightDOnTime += 1;
      }
    }
  }

  figures(repeats: number): ComplaintFigures {
    const { total } = this;
    const departments = [...this.byDepartment.entries()].sort(([a], [b]) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1));
    const daysToCloseTotal = this.msToCloseTotal / DAY_MS;
    return {
      ...counts(total),
      reopenedReceived: this.reopenedReceived,
      bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, counts(this.bySeverity[s])])) as Record<Severity, ComplaintCounts>,
      byCauseCategory: Object.fromEntries(CATEGORY_KEYS.map((c) => [c, counts(this.byCauseCategory[c])])) as Record<CauseCategoryKey, ComplaintCounts>,
      byDepartment: departments.map(([department, c]) => ({ department, ...counts(c) })),
      containmentOnTime: this.containmentOnTime,
      containmentOnTimePercent: percent(this.containmentOnTime, total.received),
      actionReplyOnTime: this.actionReplyOnTime,
      actionReplyOnTimePercent: percent(this.actionReplyOnTime, total.received),
      daysToCloseTotal,
      meanDaysToClose: total.closed === 0 ? null : daysToCloseTotal / total.closed,
      repeats,
      repeatRatePercent: percent(repeats, total.received),
      eightDClosed: this.eightDClosed,
      eightDClosedOnTime: this.eightDOnTime,
      eightDOnTimeClosurePercent: percent(this.eightDOnTime, this.eightDClosed),
      defectiveQuantity: this.defectiveQuantity,
    };
  }
}

/** The month's complaint figures: in total, and for each customer with a complaint in the month. */
export interface MonthComplaintFigures {
  readonly total: ComplaintFigures;
  /** Customers with a complaint received or closed in the month, or open at its end; sorted. */
  readonly byCustomer: ReadonlyMap<string, ComplaintFigures>;
}

/**
 * The complaint KPIs of one month, summed as complaint documents stream by: what is held is a
 * tally per customer and a few strings per complaint (its number, and for repeat detection its
 * receipt), never the documents, so a month of many complaints costs little memory. Documents may
 * come in any order, more than once (each counts once), and may include complaints the month does
 * not select (they are left out).
 */
export class MonthComplaintTally {
  private readonly seen = new Set<string>();
  private readonly total = new SectionTally();
  private readonly customers = new Map<string, SectionTally>();
  private readonly repeats: MonthRepeats;
  private readonly overdueAtEnd: (row: ReportComplaintRow) => boolean;

  constructor(
    private readonly selection: MonthlyReportSelection,
    private readonly calendar: ReportingCalendar,
  ) {
    this.repeats = new MonthRepeats(selection);
    this.overdueAtEnd = overdueAtEndOf(selection.month);
  }

  /** A complaint as stored (its row), or whole (see asReportRow). */
  add(stored: ReportComplaintRow | ReportComplaint): void {
    if (!selectsComplaint(this.selection, stored) || this.seen.has(stored._id)) return;
    this.seen.add(stored._id);
    const complaint = asReportRow(stored, this.calendar);
    this.repeats.offer(complaint);
    const bounds = this.selection;
    const received = within(complaint.receivedAt, bounds);
    const closed = within(complaint.closedAt, bounds);
    const open = isOpenAt(complaint, bounds.end);
    if (!received && !closed && !open) return;
    const position = { received, closed, open, overdue: open && this.overdueAtEnd(complaint) };
    this.total.add(complaint, position);
    let customer = this.customers.get(complaint.customerId);
    if (customer === undefined) {
      customer = new SectionTally();
      this.customers.set(complaint.customerId, customer);
    }
    customer.add(complaint, position);
  }

  figures(): MonthComplaintFigures {
    const repeatsByCustomer = new Map<string, number>();
    const repeats = this.repeats.found();
    for (const customerId of repeats.values()) repeatsByCustomer.set(customerId, (repeatsByCustomer.get(customerId) ?? 0) + 1);
    const byCustomer = new Map<string, ComplaintFigures>();
    // In customer order, not in the order complaints arrived in.
    const customers = [...this.customers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [customerId, tally] of customers) byCustomer.set(customerId, tally.figures(repeatsByCustomer.get(customerId) ?? 0));
    return { total: this.total.figures(repeats.size), byCustomer };
  }
}

/** The figures of a month without complaints. */
export const NO_COMPLAINT_FIGURES: ComplaintFigures = new SectionTally().figures(0);
