import type { DomainEvent } from '@qms/domain-kernel';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import type { RecordedEvent } from '@qms/event-store';
import { applyBatch, journalName } from '@qms/projection-engine';
import { SqliteReadStore } from '@qms/read-store';
import { isOverdueAt } from '../complaint-list';
import { addMonths, calendarFor, monthsBetween } from '../kpi/calendar';
import { monthComplaintTally } from '../monthly-report/monthly-report';
import type {
  ReportComplaint,
  ReportComplaintActions,
  ReportComplaintRow,
} from '../monthly-report/monthly-report.types';
import {
  createReportComplaintProjection,
  REPORT_ACTION_EVENT_TYPES,
} from '../monthly-report/report-complaint.projection';
import {
  eightDClosedOnTime,
  overdueAtEndOf,
  reportRowOf,
  sameDerived,
} from '../monthly-report/report-complaint-row';
import {
  REPORT_COMPLAINT_ACTIONS_COLLECTION,
  REPORT_COMPLAINTS_COLLECTION,
} from './monthly-report-materializer';
import { createMonthlyReportProjection, MONTHLY_REPORT_PROJECTION } from './monthly-report.projection';
import { REPORTING_CONFIG } from './__fixtures__/replay-harness';
import { recordedHistory } from './__fixtures__/valid-history';

const catalogue = defaultEventCatalogue();
const decode = (recorded: RecordedEvent): DomainEvent => catalogue.decode(recorded);
const target = {
  physical: (collection: string) => collection,
  checkpointName: MONTHLY_REPORT_PROJECTION,
  journal: journalName(MONTHLY_REPORT_PROJECTION),
};
const calendar = calendarFor(REPORTING_CONFIG.timeZone);

type Rules = ReturnType<typeof createReportComplaintProjection>;

/** The report's copy of each complaint, whole, as its single-document rules leave it after each event. */
function* wholeCopies(
  events: readonly RecordedEvent[],
): Generator<{
  recorded: RecordedEvent;
  id: string;
  before: ReportComplaint | null;
  after: ReportComplaint | null;
  copies: ReadonlyMap<string, ReportComplaint>;
}> {
  const rules: Rules = createReportComplaintProjection();
  const handled = new Set<string>(rules.eventTypes);
  const copies = new Map<string, ReportComplaint>();
  for (const recorded of events) {
    if (!handled.has(recorded.type)) continue;
    const event = decode(recorded) as Parameters<Rules['evolve']>[1];
    const [id] = rules.documentIds(event);
    if (id === undefined) continue;
    const before = copies.get(id) ?? null;
    const after = rules.evolve(before, event, id);
    if (after === null) copies.delete(id);
    else copies.set(id, after);
    yield { recorded, id, before, after, copies };
  }
}

function finalCopies(events: readonly RecordedEvent[]): Map<string, ReportComplaint> {
  let last: ReadonlyMap<string, ReportComplaint> = new Map();
  for (const { copies } of wholeCopies(events)) last = copies;
  return new Map(last);
}

const withoutPosition = <D extends { readonly _position?: number }>({
  _position: _ignored,
  ...document
}: D): Omit<D, '_position'> => document;

async function stored(
  store: SqliteReadStore,
): Promise<{ rows: Map<string, unknown>; actions: Map<string, unknown> }> {
  const rows = (await store.find<ReportComplaintRow & { _position: number }>(REPORT_COMPLAINTS_COLLECTION))
    .items;
  const actions = (
    await store.find<ReportComplaintActions & { _position: number }>(REPORT_COMPLAINT_ACTIONS_COLLECTION)
  ).items;
  return {
    rows: new Map(rows.map((row) => [row._id, withoutPosition(row)])),
    actions: new Map(actions.map((document) => [document._id, withoutPosition(document)])),
  };
}

function expected(copies: ReadonlyMap<string, ReportComplaint>): {
  rows: Map<string, unknown>;
  actions: Map<string, unknown>;
} {
  const whole = [...copies.values()];
  return {
    rows: new Map(whole.map((copy) => [copy._id, reportRowOf(copy, copy.actions, calendar)])),
    actions: new Map(
      whole
        .filter((copy) => copy.actions.length > 0)
        .map((copy) => [copy._id, { _id: copy._id, actions: copy.actions }]),
    ),
  };
}

/**
 * The monthly report keeps its copy of a complaint in two parts, a row and its actions
 * (ReportComplaintRow). The row's derived fields must say what the whole copy says, however the
 * events are batched; and an action that moves neither must leave the row, and so the report's
 * months, alone, which is what the split is for.
 */
describe("the monthly report's complaint facts stored in two parts", () => {
  it.each([1, 7, 200])(
    'equal the whole copy, row and actions, after every batch of %i events',
    async (batchSize) => {
      for (const seed of [3, 17]) {
        const projection = createMonthlyReportProjection(REPORTING_CONFIG);
        const events = recordedHistory(seed, 400);
        const store = SqliteReadStore.open({ path: ':memory:' });
        try {
          for (let start = 0; start < events.length; start += batchSize) {
            await applyBatch(projection, events.slice(start, start + batchSize), store, target, decode);
            if (start % (batchSize * 25) === 0 || start + batchSize >= events.length) {
              expect(await stored(store)).toEqual(expected(finalCopies(events.slice(0, start + batchSize))));
            }
          }
          const { rows, actions } = await stored(store);
          expect(rows.size).toBeGreaterThan(20);
          expect(actions.size).toBeGreaterThan(5);
        } finally {
          await store.close();
        }
      }
    },
  );

  it('writes the row for an action only when its overdue months or on-time closure move', async () => {
    let rowLeft = 0;
    let rowWritten = 0;
    for (const seed of [29, 43]) {
      const projection = createMonthlyReportProjection(REPORTING_CONFIG);
      const events = recordedHistory(seed, 600);
      const store = SqliteReadStore.open({ path: ':memory:' });
      try {
        let applied = 0;
        for (const { recorded, id, before, after } of wholeCopies(events)) {
          // Every event up to this one, those of other read models included.
          const upTo = events.indexOf(recorded) + 1;
          await applyBatch(projection, events.slice(applied, upTo), store, target, decode);
          applied = upTo;
          if (before === null || after === null || !REPORT_ACTION_EVENT_TYPES.has(recorded.type)) continue;
          const row = await store.get<ReportComplaintRow & { _position: number }>(
            REPORT_COMPLAINTS_COLLECTION,
            id,
          );
          if (
            sameDerived(
              reportRowOf(before, before.actions, calendar),
              reportRowOf(after, after.actions, calendar),
            )
          ) {
            expect(row?._position).toBeLessThan(recorded.position);
            rowLeft += 1;
          } else {
            expect(row?._position).toBe(recorded.position);
            rowWritten += 1;
          }
        }
      } finally {
        await store.close();
      }
    }
    // Both cases occur in the histories, or the spec proves nothing: moves are rare, as they should be.
    expect(rowLeft).toBeGreaterThan(20);
    expect(rowWritten).toBeGreaterThan(3);
  });
});

/** The month figures read the row alone: what it derived must be what judging the whole copy says. */
describe("a report row's derived fields", () => {
  it('say "overdue at the end of M" for every month, and the on-time closure, as the whole copy does', () => {
    const copies = finalCopies(recordedHistory(41, 600));
    let overdue = 0;
    let compared = 0;
    let closed = 0;
    for (const copy of copies.values()) {
      const row = reportRowOf(copy, copy.actions, calendar);
      const first = calendar.monthOf(copy.receivedAt);
      for (const month of monthsBetween(addMonths(first, -1), addMonths(first, 30))) {
        const judged = isOverdueAt(copy, calendar.bounds(month).end);
        expect([copy._id, month, overdueAtEndOf(month)(row)]).toEqual([copy._id, month, judged]);
        if (judged) overdue += 1;
        compared += 1;
      }
      expect(row.eightDOnTime).toBe(copy.closedAt === null ? null : eightDClosedOnTime(copy));
      if (row.eightDOnTime !== null) closed += 1;
    }
    // Both answers occur, or the comparison proves nothing.
    expect(overdue).toBeGreaterThan(20);
    expect(compared - overdue).toBeGreaterThan(20);
    expect(closed).toBeGreaterThan(5);
  });
});

/**
 * A month's complaint figures read rows; the pure rules, and a report copy stored before rows
 * existed (which serves while the report is rebuilt after the upgrade), hand them whole
 * complaints. Both must give the same figures.
 */
describe("a month's complaint figures", () => {
  it('are the same from the stored rows as from the whole copies', () => {
    const history = [...finalCopies(recordedHistory(53, 700)).values()];
    // The generated histories rarely meet every deadline: copies of the resolved ones that do.
    const metEveryDeadline = history
      .filter((copy) => copy.result === 'resolved')
      .map((copy, index): ReportComplaint => ({
        ...copy,
        _id: `ON-TIME-${index}`,
        containment: { ...copy.containment, met: true },
        actionReply: { ...copy.actionReply, met: true },
        actions: copy.actions.map((action) => ({
          ...action,
          rounds: action.rounds.map((round, at) => (at === action.rounds.length - 1 ? { ...round, completedAt: action.rounds[0]?.dueAt ?? null } : round)),
        })),
      }));
    const copies = [...history, ...metEveryDeadline];
    const rows = copies.map((copy) => reportRowOf(copy, copy.actions, calendar));
    const months = monthsBetween(calendar.monthOf(history[0]?.receivedAt ?? '2026-01-01T00:00:00Z'), addMonths(calendar.monthOf(history.at(-1)?.receivedAt ?? '2026-01-01T00:00:00Z'), 3));
    const figures = (complaints: readonly (ReportComplaint | ReportComplaintRow)[], month: string) => {
      const tally = monthComplaintTally(month, REPORTING_CONFIG);
      for (const complaint of complaints) tally.add(complaint);
      const { total, byCustomer } = tally.figures();
      return { total, byCustomer: [...byCustomer] };
    };
    let overdue = 0;
    let closedResolved = 0;
    let onTime = 0;
    for (const month of months) {
      const fromRows = figures(rows, month);
      expect(fromRows).toEqual(figures(copies, month));
      // And what they derived is what judging the whole copies says.
      const { start, end } = calendar.bounds(month);
      expect(fromRows.total.overdueAtEnd).toBe(copies.filter((copy) => isOverdueAt(copy, end)).length);
      const closedInMonth = copies.filter((copy) => copy.result === 'resolved' && copy.closedAt !== null && copy.closedAt >= start && copy.closedAt < end);
      expect(fromRows.total.eightDClosedOnTime).toBe(closedInMonth.filter((copy) => eightDClosedOnTime(copy)).length);
      overdue += fromRows.total.overdueAtEnd;
      closedResolved += fromRows.total.eightDClosed;
      onTime += fromRows.total.eightDClosedOnTime;
    }
    // The figures the rows derive occur, or the comparison proves little.
    expect(months.length).toBeGreaterThan(6);
    expect(overdue).toBeGreaterThan(10);
    expect(closedResolved).toBeGreaterThan(2);
    expect(onTime).toBeGreaterThan(0);
    expect(onTime).toBeLessThan(closedResolved);
  });
});
