/**
 * The few typed errors the domain and application layers raise. Each carries a stable code;
 * the HTTP layer maps codes to status codes in one exception filter.
 */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'ILLEGAL_STATE'
  | 'CONCURRENCY_CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'STORE_UNAVAILABLE';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
}

export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED' as const;
  constructor(readonly fieldErrors: readonly FieldError[]) {
    super(fieldErrors.map((error) => `${error.field}: ${error.message}`).join('; '));
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
}

/** A command that the record's current state does not allow (e.g. closing with open actions). */
export class IllegalStateError extends DomainError {
  readonly code = 'ILLEGAL_STATE' as const;
}

export class ConcurrencyError extends DomainError {
  readonly code = 'CONCURRENCY_CONFLICT' as const;
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN' as const;
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED' as const;
}

export class StoreUnavailableError extends DomainError {
  readonly code = 'STORE_UNAVAILABLE' as const;
}
