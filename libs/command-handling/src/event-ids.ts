import { v7 as uuidv7 } from 'uuid';

/**
 * A new event's id: a UUIDv7 (RFC 9562), time-ordered and increasing within the process. Event
 * ids are unique in the store, so each append also inserts into an index of them; random (v4)
 * ids put every insert on a random page of that index, and on a log of millions of events the
 * checkpoint that copies those scattered pages back into the file stalled the commit running it
 * for 20–30 ms, several times a second under load. Time-ordered ids keep the inserts on the
 * index's few newest pages. The time an id shows is the append's, which the event records anyway.
 */
export function newEventId(): string {
  return uuidv7();
}
