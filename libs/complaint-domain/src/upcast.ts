/**
 * Lifting stored events of older schema versions to the current shapes while reading
 * (type names never change; the version travels in the event metadata).
 *
 * History:
 * - ComplaintRegistered v1 → v2. The pilot stored the customer as `customer` (the customer code
 *   as typed by sales, sometimes with stray spaces) and had no `channel`: the pilot only took
 *   complaints by phone. v2 names the field `customerId` (trimmed) and sets `channel: 'phone'`.
 * - RootCauseRecorded v1 → v2. v1 recorded only the occurrence cause; the 8D report also shows
 *   the escape cause (why it was not detected), which earlier analyses did not record: null.
 */
import {
  COMPLAINT_EVENT_SCHEMA_VERSIONS,
  isComplaintContextEventType,
  type ComplaintContextEvent,
  type ComplaintContextEventType,
} from './events';

type Payload = Readonly<Record<string, unknown>>;
type Step = (data: Payload) => Payload;

/** UPCASTERS[type][v] lifts version v to v + 1. */
const UPCASTERS: Partial<Record<ComplaintContextEventType, Readonly<Record<number, Step>>>> = {
  ComplaintRegistered: {
    1: ({ customer, ...rest }) => ({
      ...rest,
      customerId: typeof customer === 'string' ? customer.trim() : customer,
      channel: 'phone',
    }),
  },
  RootCauseRecorded: {
    1: (data) => ({ ...data, escapeDescription: null }),
  },
};

export class UnknownEventVersionError extends Error {}

export function upcastComplaintEvent(type: string, version: number, data: object): ComplaintContextEvent {
  if (!isComplaintContextEventType(type)) {
    throw new UnknownEventVersionError(`'${type}' is not an event of the complaint context.`);
  }
  const current = COMPLAINT_EVENT_SCHEMA_VERSIONS[type];
  if (!Number.isInteger(version) || version < 1 || version > current) {
    throw new UnknownEventVersionError(`${type} v${version} is unknown; this code reads up to v${current}.`);
  }
  let payload = data as Payload;
  for (let from = version; from < current; from += 1) {
    const step = UPCASTERS[type]?.[from];
    if (step === undefined) throw new UnknownEventVersionError(`No upcaster for ${type} v${from} → v${from + 1}.`);
    payload = step(payload);
  }
  // The stored payload was written by this context's own code at that version; after lifting it
  // has the current shape, which is what the cast states.
  return { type, data: payload } as unknown as ComplaintContextEvent;
}
