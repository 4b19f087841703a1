import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SqliteEventStore, type EventStore } from '@qms/event-store';
import { SqliteReadStore } from '@qms/read-store';
import { REPORTING_PROJECTION_NAMES } from '@qms/reporting';
import { createApp } from '../apps/api/src/bootstrap';
import { loadAppConfig, type AppConfig } from '../apps/api/src/config/app-config';

const registration = (customerId: string, day: number) => ({
  customerId,
  customerContact: 'Li Wei',
  partNo: 'P-100',
  lot: 'L-1',
  defectDescription: 'burr on the flange',
  quantityAffected: 40,
  severity: 'normal',
  channel: 'email',
  receivedAt: `2026-03-${String(day).padStart(2, '0')}T10:00:00+08:00`,
  returnNeeded: false,
  customerProductionAffected: false,
});

/** The event store the restarted API uses, noting every position its subscriptions start from. */
function watchedEventStore(path: string): { store: EventStore; subscribedFrom: number[] } {
  const inner = SqliteEventStore.open(path);
  const subscribedFrom: number[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property === 'subscribeToAll') {
        return (options: Parameters<EventStore['subscribeToAll']>[0]) => {
          subscribedFrom.push(options?.fromPosition ?? 0);
          return target.subscribeToAll(options);
        };
      }
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store, subscribedFrom };
}

describe('a restart on an existing data folder', () => {
  let folder: string;
  let config: AppConfig;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'qms-restart-'));
    config = loadAppConfig({
      EVENTS_DB_PATH: join(folder, 'events.db'),
      READ_DB_PATH: join(folder, 'read-models.db'),
      LOG_LEVEL: 'silent',
      // On the API's event loop, so that the projections subscribe through the watched event store
      // below (the worker thread of the default opens its own connection; it resumes the same way).
      PROJECTIONS: 'in-process',
    });
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  const request = async (
    app: NestFastifyApplication,
    method: 'GET' | 'POST',
    url: string,
    key: string,
    body?: unknown,
  ) => {
    const response = await app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
  };

  it('resumes every projection from its stored checkpoint instead of the first event, and serves the read models at once', async () => {
    const first = await createApp(config);
    await first.init();
    let head = 0;
    try {
      for (const day of [2, 3, 4]) {
        const created = await request(
          first,
          'POST',
          '/complaints',
          'dev-sales',
          registration('CUST-RESTART', day),
        );
        expect(created.status).toBe(201);
        head = created.body['position'] as number;
      }
      const listed = await request(
        first,
        'GET',
        `/complaints?customerId=CUST-RESTART&minPosition=${head}`,
        'dev-quality',
      );
      expect(listed.status).toBe(200);
      expect(listed.body['items']).toHaveLength(3);
    } finally {
      await first.close();
    }

    // What the first run left in the read-model file: the checkpoint at the last event.
    const file = SqliteReadStore.open({ path: config.readDbPath, readonly: true });
    const stored = await Promise.all(REPORTING_PROJECTION_NAMES.map(async (name) => (await file.getCheckpoint(name))?.position));
    await file.close();
    expect(stored).toEqual(REPORTING_PROJECTION_NAMES.map(() => head));

    const watched = watchedEventStore(config.eventsDbPath);
    const second = await createApp(config, { eventStore: watched.store });
    await second.init();
    try {
      // Without waiting for any projection: the documents of the last run are in the file.
      const listed = await request(second, 'GET', '/complaints?customerId=CUST-RESTART', 'dev-quality');
      expect(listed.body['items']).toHaveLength(3);

      const next = await request(second, 'POST', '/complaints', 'dev-sales', registration('CUST-RESTART', 5));
      const after = await request(
        second,
        'GET',
        `/complaints?customerId=CUST-RESTART&minPosition=${next.body['position'] as number}`,
        'dev-quality',
      );
      expect(after.body['items']).toHaveLength(4);
      // The new event was projected by a subscription that started at the checkpoint, not at 0.
      expect(watched.subscribedFrom.length).toBeGreaterThan(0);
      expect(Math.min(...watched.subscribedFrom)).toBe(head);
    } finally {
      await second.close();
    }
  });
});
