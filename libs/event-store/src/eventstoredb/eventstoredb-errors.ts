import {
  AccessDeniedError,
  DeadlineExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
} from '@eventstore/db-client';
import { DomainError, StoreUnavailableError } from '@qms/domain-kernel';
import { oneLine } from '../append-validation';

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** The URL as it may appear in logs and error messages: without its password. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/**
 * Connection and permission failures become StoreUnavailableError (HTTP 503) with one line naming
 * EVENTSTORE_URL; everything else is returned unchanged for the caller to rethrow.
 */
export function toStoreError(error: unknown, url: string): unknown {
  if (error instanceof DomainError) return error;
  if (error instanceof AccessDeniedError) {
    return new StoreUnavailableError(
      `EventStoreDB at ${redactUrl(url)} refused access: ${oneLine(error) || 'access denied'}. Put a user allowed to read $all in EVENTSTORE_URL, e.g. esdb://admin:changeit@host:2113.`,
    );
  }
  if (isConnectionFailure(error)) {
    return new StoreUnavailableError(
      `Cannot reach EventStoreDB at ${redactUrl(url)}: ${reasonOf(error)}. Check that it is running and that EVENTSTORE_URL is right.`,
    );
  }
  return error;
}

/** gRPC appends an empty "Resolution note:" to connection errors; it adds nothing. */
function reasonOf(error: unknown): string {
  return oneLine(error).replace(/[.\s]*Resolution note$/, '');
}

function isConnectionFailure(error: unknown): boolean {
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError
  ) {
    return true;
  }
  if (!(error instanceof Error)) return false;
  // Some failures (capability probe, discovery) surface as plain errors carrying a gRPC status.
  const code = (error as { code?: unknown }).code;
  return (
    code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED || /Failed to discover/.test(error.message)
  );
}
