import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { verifyStore } from '@qms/audit';
import type { DomainEvent } from '@qms/domain-kernel';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import { SqliteEventStore } from '@qms/event-store';
import { ProjectionEngine } from '@qms/projection-engine';
import { SqliteReadStore } from '@qms/read-store';
import { COMPLAINT_LISTS_PROJECTION, COMPLAINTS_COLLECTION, createComplaintListsProjection, resolveReportingConfig } from '@qms/reporting';
import { generateHistory, type HistoryManifest } from './generate';

/** The smallest history the sizes allow: 20 customers, 50 complaints, 500 deliveries. */
const TINY = 0.0001;

describe('generated benchmark history', () => {
  const folder = mkdtempSync(join(tmpdir(), 'qms-bench-history-'));
  let manifest: HistoryManifest;
  beforeAll(async () => {
    manifest = await generateHistory({ scale: TINY, seed: 'spec', folder });
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('carries an unbroken hash chain in every stream, as the command executor writes it', async () => {
    const store = SqliteEventStore.open(manifest.path);
    try {
      const verification = await verifyStore(store);
      expect(verification.ok).toBe(true);
      expect(verification.eventsChecked).toBe(manifest.eventCount);
      const [first] = await store.readAll({ maxCount: 1 });
      expect(Object.keys(first!.metadata)).toEqual([
        'schemaVersion',
        'commandType',
        'actor',
        'correlationId',
        'causationId',
        'previousHash',
        'hash',
      ]);
    } finally {
      await store.close();
    }
  });

  it('is the same file for the same seed and scale, and another one for another seed', async () => {
    const again = await generateHistory({ scale: TINY, seed: 'spec', folder: join(folder, 'again') });
    const other = await generateHistory({ scale: TINY, seed: 'other', folder: join(folder, 'other') });
    // Every stored column of every row, in log order (opening a file with the store rewrites its header, not its rows).
    const digest = (path: string) => {
      const db = new Database(path, { readonly: true });
      try {
        const hash = createHash('sha256');
        for (const row of db.prepare('SELECT * FROM events ORDER BY position').raw().iterate())
          hash.update(JSON.stringify(row));
        return hash.digest('hex');
      } finally {
        db.close();
      }
    };
    expect(digest(again.path)).toBe(digest(manifest.path));
    expect(digest(other.path)).not.toBe(digest(manifest.path));
  });

  it('is projected by the real read side into one master-list row per registered complaint', async () => {
    const eventStore = SqliteEventStore.open(manifest.path);
    const readStore = SqliteReadStore.open({ path: ':memory:' });
    const catalogue = defaultEventCatalogue();
    const engine = new ProjectionEngine<DomainEvent>({
      eventStore,
      readStore,
      projections: [createComplaintListsProjection(resolveReportingConfig({ timeZone: 'Asia/Shanghai' }))],
      decodeEvent: (recorded) => catalogue.decode(recorded),
    });
    try {
      const result = await engine.rebuild(COMPLAINT_LISTS_PROJECTION);
      expect(result.eventsProcessed).toBe(manifest.eventCount);
      expect(await readStore.count(COMPLAINTS_COLLECTION)).toBe(manifest.tally.complaintsRegistered);
    } finally {
      await engine.stop();
      await eventStore.close();
    }
  });

  it('leaves complaints in action planning for the HTTP benchmark’s departments', () => {
    const waiting = Object.values(manifest.actionPlanningPool).flat();
    expect(waiting.every((number) => /^CC-2026-\d{4,}$/.test(number))).toBe(true);
  });
});
