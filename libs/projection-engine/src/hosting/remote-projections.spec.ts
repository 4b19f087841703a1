import { SqliteReadStore } from '@qms/read-store';
import { FakeEventStore } from '../../../testing/src/fake-event-store';
import type { ProjectionStatus } from '../projection-engine';
import { RemoteProjections } from './remote-projections';
import { PROJECTION_STATUS_COLLECTION, type PublishedStatus } from './status-publisher';

const NOW = new Date('2026-03-06T10:00:00.000Z');

/** What a projector published a while ago: the head and lag of its moment. */
function published(position: number): PublishedStatus {
  const caughtUp = { headPosition: position, lagEvents: 0, lagCountCapped: false, lagSeconds: 0 };
  const status: ProjectionStatus = { name: 'complaint_lists', version: 3, state: 'running', position, ...caughtUp, lastFailure: null, stoppedOn: null, parkedEvents: [], rebuild: null };
  return { _id: status.name, status, publishedAt: new Date(NOW.getTime() - 2_000).toISOString() };
}

describe('RemoteProjections status', () => {
  let readStore: SqliteReadStore;
  let events: FakeEventStore;

  beforeEach(async () => {
    readStore = SqliteReadStore.open({ path: ':memory:' });
    // Recorded a minute apart from 09:00: the first event after position 2 is from 09:02.
    let minute = 0;
    events = new FakeEventStore({ clock: () => new Date(Date.UTC(2026, 2, 6, 9, minute++)) });
    await events.append('complaint-CC-2026-0001', ...Array.from({ length: 5 }, () => ({ type: 'Happened', data: {} })));
    await readStore.saveCheckpoint('complaint_lists', { position: 2, version: 3 });
    await readStore.bulkWrite<PublishedStatus>(PROJECTION_STATUS_COLLECTION, { upserts: [published(2)] });
  });

  afterEach(() => readStore.close());

  const host = (withLogView: boolean) =>
    new RemoteProjections({
      readStore,
      projectionNames: ['complaint_lists'],
      now: () => NOW,
      ...(withLogView ? { log: { eventStore: events, now: () => NOW } } : {}),
    });

  it("gives the head and lag of this instance's own view of the log, the rest as the projector published it", async () => {
    const [status] = await host(true).status();

    expect(status).toMatchObject({ name: 'complaint_lists', version: 3, state: 'running', position: 2 });
    expect(status).toMatchObject({ headPosition: 5, lagEvents: 3, lagCountCapped: false, lagSeconds: 58 * 60 });
  });

  it('without a view of the log, repeats the head the projector published', async () => {
    const [status] = await host(false).status();

    expect(status).toMatchObject({ position: 2, headPosition: 2, lagEvents: 0 });
  });
});
