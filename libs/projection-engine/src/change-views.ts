import { isDeepStrictEqual } from 'node:util';
import type { ChangeFields, ProjectedDocument, Projection } from './projection';

/** A projection's afterBatchReads applied to documents: what afterBatch sees of them. */
export interface ChangeViews {
  /** The fields afterBatch reads of the document (the whole document where it reads all). */
  of(collection: string, document: ProjectedDocument | null): ProjectedDocument | null;
  /** Whether afterBatch has anything to do for this change of the batch. */
  matters(collection: string, before: ProjectedDocument | null, after: ProjectedDocument | null): boolean;
}

const WHOLE_DOCUMENTS: ChangeViews = {
  of: (_collection, document) => document,
  matters: (_collection, before, after) => before !== null || after !== null,
};

const views = new WeakMap<object, ChangeViews>();

export function changeViewsOf(projection: Pick<Projection, 'afterBatchReads'>): ChangeViews {
  const reads = projection.afterBatchReads;
  if (reads === undefined) return WHOLE_DOCUMENTS;
  let found = views.get(reads);
  if (found === undefined) {
    found = fieldViews(reads);
    views.set(reads, found);
  }
  return found;
}

function fieldViews(reads: Readonly<Record<string, ChangeFields>>): ChangeViews {
  const specOf = (collection: string): ChangeFields | undefined =>
    Object.prototype.hasOwnProperty.call(reads, collection) ? reads[collection] : undefined;
  const of = (collection: string, document: ProjectedDocument | null): ProjectedDocument | null => {
    const spec = specOf(collection);
    if (spec === undefined || document === null) return document;
    const fields = document as unknown as Readonly<Record<string, unknown>>;
    const view: { _id: string; [field: string]: unknown } = { _id: document._id };
    for (const field of spec.fields) {
      if (Object.prototype.hasOwnProperty.call(fields, field)) view[field] = fields[field];
    }
    return view;
  };
  return {
    of,
    matters(collection, before, after) {
      if (before === null && after === null) return false;
      const spec = specOf(collection);
      if (spec?.ignoreUnchanged !== true) return true;
      // No field read: afterBatch does not look at this collection, whatever becomes of its documents.
      if (spec.fields.length === 0) return false;
      // Stored and evolved documents may list their keys in different orders: compare values.
      return !isDeepStrictEqual(of(collection, before), of(collection, after));
    },
  };
}
