import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { typeScriptBootstrap } from './typescript-bootstrap';

const DRIVERS = ['mongodb', '@eventstore/db-client', 'exceljs'] as const;
const WORKBOOK_MODULES = ['audit/export/eight-d-workbook', 'audit/eight-d-form/eight-d-form.xlsx', 'read-side/complaint-lists/complaint-export', 'read-side/monthly-report/monthly-report-workbook'].map((module) => join(__dirname, '..', module));

/**
 * Which production drivers (and exceljs) a fresh process has loaded after it imported what the
 * API's threads import and the workbook writers, opened the embedded stores, and then ran `then`
 * (a statement).
 */
function driversLoaded(then: string): string[] {
  const folder = mkdtempSync(join(tmpdir(), 'lazily-loaded-modules-'));
  try {
    const entry = join(folder, 'entry.ts');
    writeFileSync(
      entry,
      `
import { createEventStore } from '@qms/event-store';
import { MongoReadStore, SqliteReadStore } from '@qms/read-store';
import '@qms/projection-engine';
import '@qms/reporting';
import { excel } from ${JSON.stringify(join(__dirname, 'excel'))};
${WORKBOOK_MODULES.map((module) => `import ${JSON.stringify(module)};`).join('\n')}
void MongoReadStore;
void excel;
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
  it('loads neither the MongoDB driver nor the EventStoreDB client, nor exceljs before a workbook is asked for', () => {
    expect(driversLoaded('')).toEqual([]);
  });

  it('loads the MongoDB driver once a MongoDB read store is made (so the check above can see a load)', () => {
    expect(driversLoaded(`await MongoReadStore.create({ url: 'mongodb://127.0.0.1:1', dbName: 'none' }).close();`)).toEqual(['mongodb']);
  });

  it('loads exceljs with the first workbook', () => {
    expect(driversLoaded('new (excel().Workbook)();')).toEqual(['exceljs']);
  });
});
