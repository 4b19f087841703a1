import { assertNever } from '@qms/domain-kernel';
import type { DeliveryEvent, DeliveryFacts } from './events';

export interface RecordedDeliveryState {
  readonly status: 'recorded';
  readonly orderNo: string;
  readonly lineNo: string;
  /** As first recorded: a re-imported ERP export still carries these facts. */
  readonly original: DeliveryFacts;
  readonly current: DeliveryFacts;
  readonly corrections: number;
}

export type DeliveryState = { readonly status: 'none' } | RecordedDeliveryState;

export const initialDeliveryState = (): DeliveryState => ({ status: 'none' });

export function evolveDelivery(state: DeliveryState, event: DeliveryEvent): DeliveryState {
  switch (event.type) {
    case 'DeliveryRecorded': {
      const { orderNo, lineNo, occurredAt: _businessTime, ...facts } = event.data;
      return { status: 'recorded', orderNo, lineNo, original: facts, current: facts, corrections: 0 };
    }
    case 'DeliveryCorrected':
      if (state.status === 'none') return state;
      return { ...state, current: event.data.corrected, corrections: state.corrections + 1 };
    default:
      return assertNever(event, 'delivery event');
  }
}

export function sameFacts(a: DeliveryFacts, b: DeliveryFacts): boolean {
  return (
    a.customerId === b.customerId &&
    a.partNo === b.partNo &&
    a.quantity === b.quantity &&
    a.promisedDate === b.promisedDate &&
    a.deliveredAt === b.deliveredAt &&
    a.premiumFreight === b.premiumFreight
  );
}
