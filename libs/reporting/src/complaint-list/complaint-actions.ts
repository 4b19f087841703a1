/**
 * Reading complaints whole: their rows (`complaints`) joined with their actions
 * (`complaint_actions`), one lookup of the actions per page or chunk of rows.
 *
 * The two reads are two statements, so a batch of the projection committed between them shows in
 * the actions and not yet in the rows: an action planned a moment ago can be listed while the
 * row's next due date still leaves it out. Both parts of a batch are committed together, so the
 * actions are never older than their row, and the next read agrees with itself again.
 */
import type { ReadStore } from '@qms/read-store';
import {
  COMPLAINT_ACTIONS_COLLECTION,
  type ComplaintActionsDocument,
  type ComplaintDocument,
  type StoredComplaint,
} from './complaint.document';
import { NONE } from './complaint-steps';

type ActionsReader = Pick<ReadStore, 'getMany'>;

/** Rows as their complaints, in the order given. */
export async function withActions<R extends StoredComplaint>(
  store: ActionsReader,
  rows: readonly R[],
): Promise<(R & Pick<ComplaintDocument, 'actions'>)[]> {
  if (rows.length === 0) return [];
  const found = await store.getMany<ComplaintActionsDocument>(
    COMPLAINT_ACTIONS_COLLECTION,
    rows.map((row) => row._id),
  );
  return rows.map((row) => ({ ...row, actions: found.get(row._id)?.actions ?? NONE }));
}

/** A stream of rows as their complaints, joined a chunk at a time. */
export async function* streamWithActions<R extends StoredComplaint>(
  store: ActionsReader,
  rows: AsyncIterable<R>,
  chunkSize = 500,
): AsyncGenerator<R & Pick<ComplaintDocument, 'actions'>> {
  let chunk: R[] = [];
  for await (const row of rows) {
    chunk.push(row);
    if (chunk.length < chunkSize) continue;
    yield* await withActions(store, chunk);
    chunk = [];
  }
  yield* await withActions(store, chunk);
}
