import { DEFAULT_READ_DB_CACHE_MB, openReadDatabase } from './sqlite-read-database';

describe('openReadDatabase', () => {
  it('gives each connection the page cache it is opened with, and the default otherwise', () => {
    const sized = openReadDatabase({ path: ':memory:', cacheMb: 8 });
    const unsized = openReadDatabase({ path: ':memory:' });
    try {
      // Negative: SQLite reads the figure as KiB rather than pages.
      expect(sized.pragma('cache_size', { simple: true })).toBe(-8 * 1024);
      expect(unsized.pragma('cache_size', { simple: true })).toBe(-DEFAULT_READ_DB_CACHE_MB * 1024);
    } finally {
      sized.close();
      unsized.close();
    }
  });
});
