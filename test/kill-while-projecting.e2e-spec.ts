import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import { SqliteEventStore } from '@qms/event-store';
import { collectionsOf, compareReadModels, ProjectionEngine, replayInto } from '@qms/projection-engine';
import { SqliteReadStore } from '@qms/read-store';
import { createReportingProjections, resolveReportingConfig } from '@qms/reporting';
import { historyFrom, seededAttempts } from '../libs/reporting/src/reporting/__fixtures__/valid-history';
import { spawnTypeScript } from './support/ts-child';

/**
 * DESIGN §11 "a process killed at any moment": a process projecting into the read-model file is
 * killed with SIGKILL in the middle of its work; after a restart on the same file no event is
 * skipped or applied twice — every read model equals a clean rebuild.
 */

const config = resolveReportingConfig({ timeZone: 'Asia/Shanghai' });
const catalogue = defaultEventCatalogue();

describe('kill -9 while a projection writes the read-model file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'qms-kill-'));
  const eventsDb = join(folder, 'events.db');
  const readDb = join(folder, 'read-models.db');

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('resumes from the checkpoints and ends equal to a clean rebuild', async () => {
    const events = SqliteEventStore.open(eventsDb, { writer: 'main-thread' });
    for (const event of historyFrom(seededAttempts(424_242, 700)).events) {
      await events.appendToStream(event.streamId, [{ id: randomUUID(), type: event.type, data: event.data, metadata: event.metadata }]);
    }
    const head = await events.headPosition();

    const child = spawnTypeScript(join(__dirname, 'support/projecting-child.ts'), { CHILD_EVENTS_DB: eventsDb, CHILD_READ_DB: readDb });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const reader = SqliteReadStore.open({ path: readDb });
    const names = createReportingProjections(config).all.map((projection) => projection.name);
    // Killed once it has written part of the log: some checkpoints moved, not all reached the head.
    for (const deadline = Date.now() + 30_000; ; ) {
      const positions = await Promise.all(names.map(async (name) => (await reader.getCheckpoint(name).catch(() => null))?.position ?? 0));
      if (positions.some((position) => position > 0) && positions.some((position) => position < head)) break;
      if (Date.now() > deadline) throw new Error(`the child did not start projecting: ${positions.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const killedAt = await Promise.all(names.map(async (name) => (await reader.getCheckpoint(name))?.position ?? 0));
    await reader.close();
    expect(killedAt.some((position) => position < head)).toBe(true);

    // Restart on the same files.
    const file = SqliteReadStore.open({ path: readDb });
    const projections = createReportingProjections(config, { settleMs: 2, maxDelayMs: 20 }).all;
    const engine = new ProjectionEngine({ eventStore: events, readStore: file, projections, decodeEvent: (recorded) => catalogue.decode(recorded), batchSize: 7 });
    engine.start();
    try {
      expect(await engine.waitForPosition(head, 60_000)).toBe(true);
      for (const name of names) await engine.settleDeferredWork(name);
    } finally {
      await engine.stop();
    }

    for (const projection of createReportingProjections(config).all) {
      const clean = SqliteReadStore.open({ path: ':memory:' });
      await replayInto({ eventStore: events, target: clean, projection, decodeEvent: (recorded) => catalogue.decode(recorded) });
      const comparison = await compareReadModels(clean, file, collectionsOf(projection).map((collection) => collection.name));
      expect({ projection: projection.name, differences: comparison.differences.slice(0, 5) }).toEqual({ projection: projection.name, differences: [] });
      await clean.close();
    }
    await file.close();
    await events.close();
  }, 120_000);
});
