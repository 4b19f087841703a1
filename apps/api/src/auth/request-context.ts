import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '@qms/audit';
import type { Actor } from '@qms/domain-kernel';
import { UnauthenticatedError, ValidationError } from '@qms/domain-kernel';

/** Who sends a command and how it is traced; filled from headers and the API key, never the body. */
export interface RequestContext {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string;
  readonly idempotencyKey?: string;
  /** Expected stream revision from `If-Match`, for optimistic concurrency across requests. */
  readonly expectedRevision?: number;
  /**
   * What the client asked (method, path, body), so that a retry with the same Idempotency-Key is
   * recognised even though defaults such as occurredAt = now differ between the two attempts.
   */
  readonly requestFingerprint?: string;
}

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  url?: string;
  body?: unknown;
  actor?: Actor;
}

const TOKEN = /^[A-Za-z0-9._:\-]{1,128}$/;

export function requestContextOf(request: AuthenticatedRequest): RequestContext {
  if (!request.actor) throw new UnauthenticatedError('No API key: send Authorization: Bearer <key>.');
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const correlationId = optionalToken(header('x-correlation-id'), 'X-Correlation-Id') ?? randomUUID();
  const causationId = optionalToken(header('x-causation-id'), 'X-Causation-Id') ?? correlationId;
  const idempotencyKey = optionalToken(header('idempotency-key'), 'Idempotency-Key');
  const expectedRevision = parseIfMatch(header('if-match'));
  return {
    actor: request.actor,
    correlationId,
    causationId,
    ...(idempotencyKey !== undefined
      ? { idempotencyKey, requestFingerprint: sha256(`${request.method ?? ''} ${request.url ?? ''} ${canonicalJson(request.body ?? null)}`) }
      : {}),
    ...(expectedRevision !== undefined ? { expectedRevision } : {}),
  };
}

function optionalToken(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!TOKEN.test(value)) throw ValidationError.field(name, 'must be 1-128 characters of letters, digits, . _ : -');
  return value;
}

/** Accepts the ETag the API returned (`"3"` or `W/"3"`) as the stream revision the client saw. */
function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(value.trim());
  if (!match) throw ValidationError.field('If-Match', 'must be the ETag returned by the API, e.g. "3"');
  return Number(match[1]);
}

export const Ctx = createParamDecorator((_data: unknown, context: ExecutionContext): RequestContext =>
  requestContextOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
