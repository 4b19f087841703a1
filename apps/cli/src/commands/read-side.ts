import type { DomainEvent } from '@qms/domain-kernel';
import { NotFoundError } from '@qms/domain-kernel';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import type { EventStore, RecordedEvent } from '@qms/event-store';
import { checkReadModelOrigin, collectionsOf, type Projection } from '@qms/projection-engine';
import { MongoReadStore, type ReadStore } from '@qms/read-store';
import { createReportingProjections, type MonthlyReportMaterializer, REPORTING_PROJECTION_NAMES, type ReportingProjections } from '@qms/reporting';
import { type AppConfig, loadAppConfig } from '../../../api/src/config/app-config';
import { deadlinePolicyFrom } from '../../../api/src/config/domain-policy';
import { originWording } from '../../../api/src/read-side/origin/origin-wording';
import { reportingConfigFrom } from '../../../api/src/read-side/reporting-config.provider';
import type { CliIo } from '../cli-io';
import { UsageError } from '../exit-codes';

// ---------------------------------------------------------------------------------------------
// The read side as the API wires it, for the replay commands (rebuild, compare-read-models).
// ---------------------------------------------------------------------------------------------

export interface CliReadSide {
  readonly config: AppConfig;
  /** The read models the command works on, in the order named: one, or every one (`--projection all`). */
  readonly projections: readonly Projection<DomainEvent>[];
  /** The monthly report's, for a month range (`--months`). */
  readonly materializer: MonthlyReportMaterializer;
  readonly decodeEvent: (recorded: RecordedEvent) => DomainEvent;
  /** The API's MongoDB read store (MONGO_URL), or undefined on the embedded default. */
  openMongo(collectionPrefix?: string): MongoReadStore | undefined;
}

/** The read side of a command that works on one read model at a time (compare-read-models). */
export interface CliReadModelSide extends CliReadSide {
  readonly projection: Projection<DomainEvent>;
  readonly collections: readonly string[];
}

/** `--projection all`: every read model, rebuilt in one pass over the log. */
export const ALL_PROJECTIONS = 'all';

export const PROJECTION_NAMES_TEXT = REPORTING_PROJECTION_NAMES.join(', ');

/** `--projection` is required: each read model is compared (and may be rebuilt) on its own. */
export function projectionOption(name: string | undefined): string {
  if (name === undefined) throw new UsageError(`Name the read model with --projection <name>: ${PROJECTION_NAMES_TEXT}.`);
  return name;
}

export const collectionNames = (projection: Projection<DomainEvent>): string[] => collectionsOf(projection).map((collection) => collection.name);

/** The read side for `selection`: a projection's name, or `all` for every reporting projection. */
export function readSideOf(env: CliIo['env'], selection: string): CliReadSide {
  return sideOf(env, (reporting) => (selection === ALL_PROJECTIONS ? reporting.all : [namedIn(reporting, selection)]));
}

/** The read side of the projections named, in that order (a group of a rebuild in threads). */
export function readSideOfNames(env: CliIo['env'], names: readonly string[]): CliReadSide {
  return sideOf(env, (reporting) => names.map((name) => namedIn(reporting, name)));
}

/** The read side of the one projection named `name` (`all` is no projection's name). */
export function readModelSideOf(env: CliIo['env'], name: string): CliReadModelSide {
  const side = sideOf(env, (reporting) => [namedIn(reporting, name)]);
  const [projection] = side.projections as [Projection<DomainEvent>];
  return { ...side, projection, collections: collectionNames(projection) };
}

function namedIn(reporting: ReportingProjections, name: string): Projection<DomainEvent> {
  const projection = reporting.byName(name);
  if (projection === undefined) throw new NotFoundError(`No projection named ${name}; the projections are: ${PROJECTION_NAMES_TEXT}`);
  return projection;
}

function sideOf(env: CliIo['env'], pick: (reporting: ReportingProjections) => readonly Projection<DomainEvent>[]): CliReadSide {
  const config = loadAppConfig(env);
  const reporting = createReportingProjections(reportingConfigFrom(config, deadlinePolicyFrom(config)));
  const catalogue = defaultEventCatalogue();
  return {
    config,
    projections: pick(reporting),
    materializer: reporting.materializer,
    decodeEvent: (recorded) => catalogue.decode(recorded),
    openMongo: (collectionPrefix) =>
      config.mongoUrl === undefined
        ? undefined
        : MongoReadStore.create({ url: config.mongoUrl, dbName: config.mongoDatabase, compatibility: config.mongoCompatibility, ...(collectionPrefix === undefined ? {} : { collectionPrefix }) }),
  };
}

/**
 * Before a command works on the read store: was it built from this event log? Refuses
 * (ReadModelOriginError, exit 3) when not; a command that `builds` the read models clears them
 * first instead with READ_MODELS_ON_MISMATCH=rebuild. Records the origin of a store that has none.
 */
export async function checkOrigin(io: CliIo, config: AppConfig, eventStore: EventStore, readStore: ReadStore, builds: boolean): Promise<void> {
  const result = await checkReadModelOrigin({
    eventStore,
    readStore,
    onMismatch: builds ? config.readModelsOnMismatch : 'refuse',
    ...originWording(config, readStore, builds),
  });
  if (result.outcome === 'rebuilt') {
    io.stderr.write(`Cleared every read model, which ${result.mismatch ?? 'did not match this event log'} (READ_MODELS_ON_MISMATCH=rebuild); the others are built again when the API or projector starts.\n`);
  }
}

export function positiveInteger(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${option} takes a positive whole number, not "${text}".`);
  return value;
}
