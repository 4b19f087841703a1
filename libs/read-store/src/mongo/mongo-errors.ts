import { StoreUnavailableError } from '@qms/domain-kernel';
import { mongoDriverIfLoaded } from './mongo-driver';

const NAMESPACE_NOT_FOUND = 26;
const NAMESPACE_EXISTS = 48;
const NOT_IMPLEMENTED = 238;

function isServerError(error: unknown, code: number): boolean {
  const driver = mongoDriverIfLoaded();
  return driver !== undefined && error instanceof driver.MongoServerError && error.code === code;
}

export function isNamespaceNotFound(error: unknown): boolean {
  return isServerError(error, NAMESPACE_NOT_FOUND);
}

export function isNamespaceExists(error: unknown): boolean {
  return isServerError(error, NAMESPACE_EXISTS);
}

/** FerretDB answers NotImplemented for options it lacks (renameCollection's dropTarget in 1.x). */
export function isNotImplemented(error: unknown): boolean {
  return isServerError(error, NOT_IMPLEMENTED);
}

/** Whether the failure means "MongoDB cannot be reached right now" rather than a bad request. */
export function isUnavailable(error: unknown, depth = 0): boolean {
  const driver = mongoDriverIfLoaded();
  if (driver === undefined) return false;
  const { MongoBulkWriteError, MongoError, MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError, MongoTopologyClosedError } = driver;
  // A bulk write reports a connection failure inside its own error.
  if (error instanceof MongoBulkWriteError && depth < 3) {
    const inner: unknown = error.errorResponse;
    return inner instanceof Error && isUnavailable(inner, depth + 1);
  }
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError
  ) {
    return true;
  }
  return (
    error instanceof MongoError &&
    ['RetryableWriteError', 'ResetPool', 'TransientTransactionError'].some((label) =>
      error.hasErrorLabel(label),
    )
  );
}

/** Connectivity failures become StoreUnavailableError (HTTP 503, projection retries); others pass. */
export function translateMongoError(error: unknown, where: string): unknown {
  if (!isUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(
    `Read store unavailable: MongoDB at ${where} cannot be reached (${reason})`,
  );
}
