import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { typeScriptBootstrap } from './typescript-bootstrap';

const DRIVERS = ['mongodb', '@eventstore/db-client'] as const;

/**
 * Which production drivers a fresh process has loaded after it imported what the API's threads
 * import, opened the embedded stores, and then ran `then` (a statement).
 */
function driversLoaded(then: string): string[] {
  const folder = mkdtempSync(join(tmpdir(), 'embedded-drivers-'));
  try {
    const entry = join(folder, 'entry.ts');
    writeFileSync(
      entry,
      `
import { createEventStore } from '@qms/event-store';
import { MongoReadStore, SqliteReadStore } from '@qms/read-store';
import '@qms/projection-engine';
import '@qms/reporting';
void MongoReadStore;
(async () => {
  const events = await createEventStore({ sqlitePath: ${JSON.stringify(join(folder, 'events.db'))}, sqliteWriter: 'main-thread' });
  const reads = SqliteReadStore.open({ path: ${JSON.stringify(join(folder, 'read-models.db'))} });
  await events.close();
  await reads.close();
  ${then}
  const loaded = ${JSON.stringify(DRIVERS)}.filter((driver) => Object.keys(require.cache).some((path) => path.includes('/node_modules/' + driver + '/')));
  console.log(JSON.stringify(loaded));
})();
`,
    );
    const settings = JSON.stringify({ swc: require.resolve('@swc/core'), libs: join(__dirname, '../../../../libs'), entry });
    return JSON.parse(execFileSync(process.execPath, ['-e', typeScriptBootstrap(settings)], { encoding: 'utf8' })) as string[];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('the embedded default', () => {
  it('loads neither the MongoDB driver nor the EventStoreDB client', () => {
    expect(driversLoaded('')).toEqual([]);
  });

  it('loads the MongoDB driver once a MongoDB read store is made (so the check above can see a load)', () => {
    expect(driversLoaded(`await MongoReadStore.create({ url: 'mongodb://127.0.0.1:1', dbName: 'none' }).close();`)).toEqual(['mongodb']);
  });
});
