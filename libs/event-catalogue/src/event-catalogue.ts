import type { DomainEvent } from '@qms/domain-kernel';
import type { EventCodec } from '@qms/command-handling';
import type { RecordedEvent } from '@qms/event-store';

/** What each bounded context contributes: its event types' current versions and its upcasters. */
export interface EventContextCatalogue {
  readonly versions: Readonly<Record<string, number>>;
  readonly upcast: (type: string, version: number, data: unknown) => unknown;
}

/**
 * Decodes stored events for every context: an event stored under an older schema version is
 * lifted to the current shape while reading, so type names never change and old events stay
 * readable. Types no context knows (e.g. idempotency records) pass through unchanged.
 */
const SCHEMA_VERSION_KEY = 'schemaVersion';

export class EventCatalogue implements EventCodec {
  private readonly byType = new Map<string, EventContextCatalogue>();

  constructor(contexts: readonly EventContextCatalogue[]) {
    for (const context of contexts) {
      for (const type of Object.keys(context.versions)) {
        if (this.byType.has(type)) throw new Error(`Event type ${type} is declared by two contexts`);
        this.byType.set(type, context);
      }
    }
  }

  knows(type: string): boolean {
    return this.byType.has(type);
  }

  schemaVersion(type: string): number {
    const version = this.byType.get(type)?.versions[type];
    if (version === undefined) throw new Error(`Event type ${type} has no declared schema version`);
    return version;
  }

  /** What decode reads of an event's metadata: a reader of the log may leave the rest out. */
  static readonly DECODE_METADATA_KEYS: readonly string[] = [SCHEMA_VERSION_KEY];

  decode(recorded: RecordedEvent): DomainEvent {
    const context = this.byType.get(recorded.type);
    if (!context) return { type: recorded.type, data: recorded.data };
    const stored = recorded.metadata[SCHEMA_VERSION_KEY];
    const version = typeof stored === 'number' ? stored : 1;
    const current = context.versions[recorded.type] ?? 1;
    if (version > current) {
      throw new Error(
        `${recorded.type} v${version} at position ${recorded.position} is newer than this code reads (v${current}): deploy the newer version.`,
      );
    }
    const data = version < current ? context.upcast(recorded.type, version, recorded.data) : recorded.data;
    return { type: recorded.type, data };
  }
}
