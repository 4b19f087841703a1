import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@qms/event-store';
import { readModelChecksum, type ReadModelChecksum } from '@qms/projection-engine';
import { SqliteReadStore } from '@qms/read-store';
import { createReportingProjections, resolveReportingConfig } from '@qms/reporting';
import { historyFrom, seededAttempts } from '../../../../libs/reporting/src/reporting/__fixtures__/valid-history';
import { runCli } from '../cli';
import { EXIT } from '../exit-codes';
import { collectionNames } from './read-side';
import { defaultRebuildThreads, REBUILD_THREAD_BYTES, rebuildThreadGroups, rebuildWorkItems, threadGroups } from './rebuild-threads';
import { capturedIo } from '../__fixtures__/captured-io';

const reporting = createReportingProjections(resolveReportingConfig({ timeZone: 'Asia/Shanghai' }));
const names = reporting.all.map((projection) => projection.name);

describe('defaultRebuildThreads', () => {
  const GiB = 1024 ** 3;

  // Four work items: the lists, the report's two parts, the summary.
  const lists = reporting.all.filter((projection) => projection.name === 'complaint_lists');

  it('takes a thread per core and one more, one per read model or part at most, and no more than the free memory holds', () => {
    expect(defaultRebuildThreads(reporting.all, { cores: 2, freeBytes: 16 * GiB })).toBe(3);
    expect(defaultRebuildThreads(reporting.all, { cores: 8, freeBytes: 16 * GiB })).toBe(4);
    expect(defaultRebuildThreads(lists, { cores: 8, freeBytes: 16 * GiB })).toBe(1);
    expect(defaultRebuildThreads(reporting.all, { cores: 8, freeBytes: 1.5 * REBUILD_THREAD_BYTES })).toBe(1);
    expect(defaultRebuildThreads(reporting.all, { cores: 8, freeBytes: 2 * REBUILD_THREAD_BYTES })).toBe(2);
    // One core reads the log once: threads would each read it, for no core of their own.
    expect(defaultRebuildThreads(reporting.all, { cores: 1, freeBytes: 16 * GiB })).toBe(1);
    expect(defaultRebuildThreads(reporting.all, { cores: 4, freeBytes: 0 })).toBe(1);
  });

  it('counts the monthly report as its two replay parts', () => {
    expect(rebuildWorkItems(reporting.all, true).map((item) => item.name)).toEqual([
      'complaint_lists',
      'monthly_report:complaint_facts',
      'monthly_report:other_facts',
      'satisfaction_summary',
    ]);
  });
});

describe('rebuildThreadGroups', () => {
  it('splits the monthly report into its parts once every read model has a thread, and not before', () => {
    expect(rebuildThreadGroups(reporting.all, 2)).toEqual([['complaint_lists', 'satisfaction_summary'], ['monthly_report']]);
    expect(rebuildThreadGroups(reporting.all, 3)).toEqual([['complaint_lists'], ['monthly_report:complaint_facts', 'satisfaction_summary'], ['monthly_report:other_facts']]);
    expect(rebuildThreadGroups(reporting.all, 4)).toEqual([['complaint_lists'], ['monthly_report:complaint_facts'], ['monthly_report:other_facts'], ['satisfaction_summary']]);
    const report = reporting.all.filter((projection) => projection.name === 'monthly_report');
    expect(rebuildThreadGroups(report, 2)).toEqual([['monthly_report:complaint_facts'], ['monthly_report:other_facts']]);
    expect(rebuildThreadGroups(report, 1)).toEqual([['monthly_report']]);
  });
});

describe('threadGroups', () => {
  const projection = (name: string, types: number) => ({ name, eventTypes: Array.from({ length: types }, (_, index) => `${name}${index}`) });

  it('puts the largest projection first into the lightest thread, each thread keeping the given order', () => {
    const projections = [projection('lists', 19), projection('report', 27), projection('summary', 6)];
    expect(threadGroups(projections, 2)).toEqual([['lists', 'summary'], ['report']]);
    expect(threadGroups(projections, 3)).toEqual([['lists'], ['report'], ['summary']]);
    expect(threadGroups(projections, 8)).toEqual([['lists'], ['report'], ['summary']]);
    expect(threadGroups(projections, 1)).toEqual([['lists', 'report', 'summary']]);
    expect(threadGroups([projection('a', 5), projection('b', 5), projection('c', 5), projection('d', 5)], 2)).toEqual([['a', 'c'], ['b', 'd']]);
  });
});

describe('rebuild --projection all in threads (embedded default)', () => {
  let eventsPath: string;
  let head: number;

  beforeAll(async () => {
    eventsPath = join(mkdtempSync(join(tmpdir(), 'qms-threads-')), 'events.db');
    const store = SqliteEventStore.open(eventsPath);
    const { events } = historyFrom(seededAttempts(31, 400));
    for (const event of events) {
      await store.appendToStream(event.streamId, [{ id: randomUUID(), type: event.type, data: event.data, metadata: event.metadata }]);
    }
    head = await store.headPosition();
    await store.close();
  });

  /** A fresh read-model file beside the shared event log, as the API's environment names them. */
  const environment = (): Record<string, string> => ({
    EVENTS_DB_PATH: eventsPath,
    READ_DB_PATH: join(mkdtempSync(join(tmpdir(), 'qms-threads-read-')), 'read-models.db'),
  });

  async function checksumsIn(env: Record<string, string>): Promise<Map<string, ReadModelChecksum>> {
    const file = SqliteReadStore.open({ path: env['READ_DB_PATH'] as string });
    try {
      const checksums = new Map<string, ReadModelChecksum>();
      for (const projection of reporting.all) checksums.set(projection.name, await readModelChecksum(file, collectionNames(projection)));
      return checksums;
    } finally {
      await file.close();
    }
  }

  /** Every read model rebuilt in one pass into one fresh file and in `threads` threads into another. */
  async function rebuiltBothWays(threads: string): Promise<{ onePass: Record<string, string>; threaded: Record<string, string>; io: ReturnType<typeof capturedIo> }> {
    const onePass = environment();
    expect(await runCli(['rebuild', '--projection', 'all', '--threads', '1', '--batch-size', '100'], capturedIo(onePass))).toBe(EXIT.OK);
    const threaded = environment();
    const io = capturedIo(threaded);
    expect(await runCli(['rebuild', '--projection', 'all', '--threads', threads, '--batch-size', '100'], io)).toBe(EXIT.OK);
    return { onePass, threaded, io };
  }

  /** Only the live checkpoints, at the head: no shadow or part checkpoint or swap marker left behind. */
  async function expectOnlyLiveCheckpoints(env: Record<string, string>): Promise<void> {
    const file = SqliteReadStore.open({ path: env['READ_DB_PATH'] as string });
    try {
      expect([...(await file.listCheckpoints())].sort()).toEqual(names.map((name) => [name, { position: head, version: expect.any(Number) as number }]).sort());
    } finally {
      await file.close();
    }
  }

  it('leaves every read model as one pass over the log does, each going live at the head', async () => {
    const { onePass, threaded: threads, io } = await rebuiltBothWays('2');
    expect(io.err()).toContain(`Rebuilding ${names.join(', ')} in 2 threads (complaint_lists + satisfaction_summary; monthly_report), each reading the log into shadow collections`);
    for (const name of names) expect(io.err()).toContain(`rebuild all: ${name} went live at position ${head}\n`);
    const lines = io.out().trim().split('\n');
    expect(lines.map((line) => /^Rebuilt (\w+) in /.exec(line)?.[1])).toEqual(names);
    const inFile = await checksumsIn(threads);
    expect(inFile).toEqual(await checksumsIn(onePass));
    // Each thread checksums its own copies once they are live: what it prints is what the file holds.
    expect(lines.map((line) => /checksum sha256:([0-9a-f]{64})\.$/.exec(line)?.[1])).toEqual(names.map((name) => inFile.get(name)?.checksum));
    await expectOnlyLiveCheckpoints(threads);
  });

  it('rebuilds the monthly report in its two parts in threads of their own, then as a whole, leaving what one pass leaves', async () => {
    const { onePass, threaded: parts, io } = await rebuiltBothWays('3');
    expect(io.err()).toContain(
      'in 3 threads (complaint_lists; monthly_report:complaint_facts + satisfaction_summary; monthly_report:other_facts), each reading the log into shadow collections',
    );
    for (const part of ['complaint_facts', 'other_facts']) expect(io.err()).toContain(`rebuild all: monthly_report:${part} replayed up to position ${head}\n`);
    for (const name of names) expect(io.err()).toContain(`rebuild all: ${name} went live at position ${head}\n`);
    const lines = io.out().trim().split('\n');
    expect(lines.map((line) => /^Rebuilt (\w+) in /.exec(line)?.[1])).toEqual(names);
    const report = lines.find((line) => line.startsWith('Rebuilt monthly_report '));
    // Its events are those its two parts replayed.
    expect(report).toMatch(/: (\d+) events of its types up to position/);
    const inFile = await checksumsIn(parts);
    expect(inFile).toEqual(await checksumsIn(onePass));
    await expectOnlyLiveCheckpoints(parts);
  });

  it('rebuilds the monthly report alone in its two parts, as one pass leaves it', async () => {
    const onePass = environment();
    expect(await runCli(['rebuild', '--projection', 'monthly_report', '--threads', '1', '--batch-size', '100'], capturedIo(onePass))).toBe(EXIT.OK);
    const parts = environment();
    const io = capturedIo(parts);
    expect(await runCli(['rebuild', '--projection', 'monthly_report', '--threads', '2', '--batch-size', '100'], io)).toBe(EXIT.OK);
    expect(io.err()).toContain('in 2 threads (monthly_report:complaint_facts; monthly_report:other_facts)');
    expect(io.err()).toContain(`rebuild monthly_report: monthly_report:other_facts replayed up to position ${head}\n`);
    // One read model: its result line says it went live, the progress names no read model.
    expect(io.err()).not.toContain('went live');
    expect(io.out()).toMatch(new RegExp(`^Rebuilt monthly_report in .*: \\d+ events of its types up to position ${head} in `));
    expect((await checksumsIn(parts)).get('monthly_report')).toEqual((await checksumsIn(onePass)).get('monthly_report'));
  });

  it.each([
    ['2', "the report's replay", 'monthly_report__rebuild'],
    ['3', 'the replay of its other facts', 'monthly_report__rebuild__other_facts'],
  ])('in %s threads, lets the others go live when %s stands on an event it cannot apply, then names it and where it resumes', async (threads, _what, checkpoint) => {
    const path = join(mkdtempSync(join(tmpdir(), 'qms-threads-poison-')), 'events.db');
    const store = SqliteEventStore.open(path);
    const { events } = historyFrom(seededAttempts(23, 300));
    const half = Math.floor(events.length / 2);
    const append = (event: { streamId: string; type: string; data: object; metadata: object }) =>
      store.appendToStream(event.streamId, [{ id: randomUUID(), type: event.type, data: { ...event.data }, metadata: { ...event.metadata } }]);
    for (const event of events.slice(0, half)) await append(event);
    // A return as an old import wrote it: the report's evolve finds no receipt time.
    const poison = await append({ streamId: 'legacy-import-1', type: 'ReturnReceived', data: { returnId: 'RT-LEGACY-1', customerId: 'CUST-1', items: [] }, metadata: { schemaVersion: 1 } });
    for (const event of events.slice(half)) await append(event);
    const end = await store.headPosition();
    await store.close();
    const env = { EVENTS_DB_PATH: path, READ_DB_PATH: join(mkdtempSync(join(tmpdir(), 'qms-threads-read-')), 'read-models.db') };
    const io = capturedIo(env);

    expect(await runCli(['rebuild', '--projection', 'all', '--threads', threads, '--batch-size', '50'], io)).toBe(EXIT.CHECK_FAILED);
    expect(io.err()).toContain(`rebuild all: complaint_lists went live at position ${end}\n`);
    expect(io.err()).toContain(`rebuild all: satisfaction_summary went live at position ${end}\n`);
    const file = SqliteReadStore.open({ path: env.READ_DB_PATH });
    try {
      const resumesFrom = (await file.getCheckpoint(checkpoint))?.position as number;
      expect(resumesFrom).toBeLessThan(poison.position);
      expect((await file.getCheckpoint('complaint_lists'))?.position).toBe(end);
      expect(await file.getCheckpoint('monthly_report')).toBeNull();
      expect(io.err().trim().split('\n').at(-1)).toMatch(
        new RegExp(
          `^monthly_report cannot apply the event at position ${poison.position} \\(ReturnReceived in stream legacy-import-1\\): .*Not an ISO-8601 instant.*; ` +
            'complaint_lists and satisfaction_summary went live; park the event \\(POST /admin/projections/monthly_report/parked-events, recorded in the audit history\\) ' +
            `or deploy code that can apply it, then run the same command again: monthly_report resumes from position ${resumesFrom}\\.$`,
        ),
      );
    } finally {
      await file.close();
    }
  }, 30_000);

  it('refuses --threads for an event store the caller handed over, which no other thread can open', async () => {
    const store = SqliteEventStore.inMemory();
    const io = capturedIo(environment());
    expect(await runCli(['rebuild', '--projection', 'all', '--threads', '2'], io, { openStore: async () => store })).toBe(EXIT.USAGE);
    expect(io.err()).toMatch(/^--threads needs the event store of the environment \(EVENTSTORE_URL or EVENTS_DB_PATH\): each thread opens it\. Usage: /);
  });
});
