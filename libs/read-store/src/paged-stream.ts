import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { FindQuery, Page, StoredDocument } from './read-store.port';

const STREAM_PAGE_SIZE = 500;

/**
 * `stream` for both adapters: keyset pages of the query, so a long export holds no server cursor
 * open, sees each document once even while documents change, and honours skip and limit overall.
 *
 * Each page after the first is read on a turn of the event loop of its own. A MongoDB page comes
 * over the network anyway; a SQLite page is read at once, so without the turn a stream of 20,000
 * complaints held every other request of its thread for half a second. The turn lets in no more
 * than MongoDB's pages already do.
 */
export async function* streamByPages<D extends StoredDocument>(
  find: (query: FindQuery) => Promise<Page<D>>,
  query: FindQuery,
  pageSize = STREAM_PAGE_SIZE,
): AsyncGenerator<D, void, undefined> {
  let remaining = query.limit ?? Number.POSITIVE_INFINITY;
  let page = await find({ ...query, limit: Math.min(pageSize, remaining) });
  for (;;) {
    for (const item of page.items) yield item;
    remaining -= page.items.length;
    if (page.nextCursor === null || remaining <= 0) return;
    await yieldToEventLoop();
    page = await find({
      ...query,
      skip: undefined,
      after: page.nextCursor,
      limit: Math.min(pageSize, remaining),
    });
  }
}
