import type { DocumentRef, EvolveContext, ProjectedDocument } from '@qms/projection-engine';
import { NONE } from '../complaint-list/complaint-steps';

/** How one read model keeps a complaint in two parts, and its rules for each. */
export interface ComplaintParts<E, Row, Action, Actions extends { readonly actions: readonly Action[] }> {
  /** The collection of the rows, which carry what is derived from the actions. */
  readonly rows: string;
  readonly actions: string;
  /** The events that change the actions (and the row only through what it derives from them). */
  readonly actionEventTypes: ReadonlySet<string>;
  /** Whether the row after an event of this type is derived from the actions. A registration has none yet. */
  readonly rowReadsActions: (type: string) => boolean;
  evolveActions(document: Actions | null, event: E, complaintNumber: string, registered: boolean): Actions | null;
  evolveRow(row: Row | null, event: E, actions: readonly Action[]): Row | null;
}

/**
 * A complaint stored in two parts (ARCHITECTURE.md, "A complaint in two parts"): its row, with the
 * read model's indexes, and its actions, with none. An action's event evolves the actions first,
 * then the row, whose derived fields are taken from the actions as that event left them; any other
 * event whose row derives from the actions reads them. Each part is evolved from stored state
 * only, so a part that a retried batch finds already written is skipped without the other going
 * wrong. The complaint lists and the monthly report's complaint facts are both kept this way.
 */
export function complaintInTwoParts<
  E extends { readonly type: string; readonly data: { readonly complaintNumber: string } },
  Row extends ProjectedDocument,
  Action,
  Actions extends ProjectedDocument & { readonly actions: readonly Action[] },
>(parts: ComplaintParts<E, Row, Action, Actions>) {
  const rowOf = (number: string): DocumentRef => ({ collection: parts.rows, id: number });
  const actionsOf = (number: string): DocumentRef => ({ collection: parts.actions, id: number });
  return {
    documentIds(event: E): DocumentRef[] {
      const number = event.data.complaintNumber;
      return parts.actionEventTypes.has(event.type) ? [actionsOf(number), rowOf(number)] : [rowOf(number)];
    },
    readsDocuments(event: E): DocumentRef[] {
      // An action's event writes the actions (documentIds), so they are fetched with the batch anyway.
      return parts.rowReadsActions(event.type) && !parts.actionEventTypes.has(event.type) ? [actionsOf(event.data.complaintNumber)] : [];
    },
    evolve(document: ProjectedDocument | null, event: E, id: string, context: EvolveContext): ProjectedDocument | null {
      if (context.collection === parts.actions) {
        return parts.evolveActions(document as Actions | null, event, id, context.lookup(parts.rows, id) !== null);
      }
      const actions = parts.rowReadsActions(event.type) ? (context.lookup<Actions>(parts.actions, id)?.actions ?? NONE) : NONE;
      return parts.evolveRow(document as Row | null, event, actions);
    },
  };
}
