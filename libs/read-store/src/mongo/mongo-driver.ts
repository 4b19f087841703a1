import type * as MongoDriver from 'mongodb';

let loaded: typeof MongoDriver | undefined;

/**
 * The MongoDB driver, loaded at its first use: the embedded default never uses it, and loading it
 * costs each thread that does about 15 MiB (the API and the projections thread both import this
 * library).
 */
export function mongoDriver(): typeof MongoDriver {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous load on first use
  loaded ??= require('mongodb') as typeof MongoDriver;
  return loaded;
}

/** The driver if something has used it already: an error cannot come from a driver never loaded. */
export function mongoDriverIfLoaded(): typeof MongoDriver | undefined {
  return loaded;
}
