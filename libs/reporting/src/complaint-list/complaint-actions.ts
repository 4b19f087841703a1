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
  type ActionFact,
  COMPLAINT_ACTIONS_COLLECTION,
  type ComplaintActionsDocument,
  type ComplaintDocument,
  type StoredComplaint,
} from './complaint.document';
import { NONE } from './complaint-steps';

type ActionsReader = Pick<ReadStore, 'getMany'>;

/**
 * Rows as their complaints, in the order given. A row written before the actions were stored apart
 * carries its own: that is what is served while the lists are rebuilt after an upgrade, and until
 * the rebuilt copy is swapped in it has no actions document to take them from.
 */
export async function withActions<R extends StoredComplaint>(
  store: ActionsReader,
  rows: readonly R[],
): Promise<(R & Pick<ComplaintDocument, 'actions'>)[]> {
  if (rows.length === 0) return [];
  const found = await store.getMany<ComplaintActionsDocument>(
    COMPLAINT_ACTIONS_COLLECTION,
    rows.map((row) => row._id),
  );
  return rows.map((row) => joined(row, found));
}

/** One row as its complaint (see withActions). */
export async function withActionsOf<R extends StoredComplaint>(store: ActionsReader, row: R): Promise<R & Pick<ComplaintDocument, 'actions'>> {
  return joined(row, await store.getMany<ComplaintActionsDocument>(COMPLAINT_ACTIONS_COLLECTION, [row._id]));
}

function joined<R extends StoredComplaint>(row: R, found: ReadonlyMap<string, ComplaintActionsDocument>): R & Pick<ComplaintDocument, 'actions'> {
  return { ...row, actions: found.get(row._id)?.actions ?? ownActions(row) ?? NONE };
}

const ownActions = (row: StoredComplaint): readonly ActionFact[] | undefined => (row as Partial<Pick<ComplaintDocument, 'actions'>>).actions;

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
