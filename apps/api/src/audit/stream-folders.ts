import { isComplaintEventType } from '@qms/audit';
import {
  complaintStreamId,
  customerNotificationStreamId,
  evolveComplaint,
  evolveCustomerNotification,
  initialComplaintState,
  initialCustomerNotificationState,
} from '@qms/complaint-domain';
import { DELIVERY_EVENT_SCHEMA_VERSIONS, DELIVERY_STREAM_PREFIX, evolveDelivery, initialDeliveryState } from '@qms/delivery-domain';
import type { DomainEvent } from '@qms/domain-kernel';
import { RETURN_EVENT_SCHEMA_VERSIONS, RETURN_STREAM_PREFIX, evolveReturn, initialReturnState } from '@qms/return-domain';
import { SURVEY_EVENT_SCHEMA_VERSIONS, SURVEY_STREAM_PREFIX, evolveSurvey, initialSurveyState } from '@qms/survey-domain';

/**
 * How to rebuild the state of a stream "as of" a point: the same initialState/evolve the deciders
 * use, chosen by the stream id's prefix. Events of other types are skipped (an evolve ends in
 * assertNever and would throw on them).
 */
export interface StreamFolder {
  readonly kind: string;
  readonly prefix: string;
  handles(type: string): boolean;
  initialState(): unknown;
  evolve(state: unknown, event: DomainEvent): unknown;
}

function folder<Event extends DomainEvent, State>(
  kind: string,
  prefix: string,
  handles: (type: string) => boolean,
  initialState: () => State,
  evolve: (state: State, event: Event) => State,
): StreamFolder {
  return {
    kind,
    prefix,
    handles,
    initialState,
    // `handles` admitted the type and the catalogue lifted the data to its current shape.
    evolve: (state, event) => evolve(state as State, event as Event),
  };
}

const typesOf = (versions: Readonly<Record<string, number>>) => (type: string) => Object.prototype.hasOwnProperty.call(versions, type);

export const STREAM_FOLDERS: readonly StreamFolder[] = [
  folder('complaint', complaintStreamId(''), isComplaintEventType, initialComplaintState, evolveComplaint),
  folder(
    'customer-notification',
    customerNotificationStreamId(''),
    (type) => type === 'CustomerNotificationReceived' || type === 'CustomerNotificationEnded',
    initialCustomerNotificationState,
    evolveCustomerNotification,
  ),
  folder('return', RETURN_STREAM_PREFIX, typesOf(RETURN_EVENT_SCHEMA_VERSIONS), initialReturnState, evolveReturn),
  folder('survey', SURVEY_STREAM_PREFIX, typesOf(SURVEY_EVENT_SCHEMA_VERSIONS), initialSurveyState, evolveSurvey),
  folder('delivery', DELIVERY_STREAM_PREFIX, typesOf(DELIVERY_EVENT_SCHEMA_VERSIONS), initialDeliveryState, evolveDelivery),
];

/** The longest matching prefix wins, so a future `complaint-x-` prefix could not be shadowed. */
export function folderFor(streamId: string): StreamFolder | undefined {
  let best: StreamFolder | undefined;
  for (const candidate of STREAM_FOLDERS) {
    if (streamId.startsWith(candidate.prefix) && (best === undefined || candidate.prefix.length > best.prefix.length)) best = candidate;
  }
  return best;
}
