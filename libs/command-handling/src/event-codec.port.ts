import type { DomainEvent } from '@qms/domain-kernel';
import type { RecordedEvent } from '@qms/event-store';

/** Turns stored events into current domain events (running upcasters) and knows each type's version. */
export interface EventCodec {
  decode(recorded: RecordedEvent): DomainEvent;
  schemaVersion(type: string): number;
}
