import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Request and correlation ids. The request id is Fastify's (`request.id`, from genReqId below), so
 * the access log, the application's logs and the response headers show the same value. A caller's
 * id is kept when it is a plain token; anything else is replaced by a fresh UUID.
 */
const TOKEN = /^[A-Za-z0-9._:\-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';
export const CORRELATION_ID_HEADER = 'x-correlation-id';

/** Fastify's genReqId: the caller's X-Request-Id when it is a plain token, a new UUID otherwise. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && TOKEN.test(given) ? given : randomUUID();
}

/**
 * The correlation id: the caller's X-Correlation-Id, or a new one written into the request's
 * headers so that the commands it sends record the same id that the response echoes.
 */
export function correlationIdOf(request: IncomingMessage): string {
  const given = request.headers[CORRELATION_ID_HEADER];
  if (typeof given === 'string' && TOKEN.test(given)) return given;
  // A malformed header is left for the request context to refuse with a 400 naming it.
  if (given !== undefined) return String(given).slice(0, 128);
  const created = randomUUID();
  request.headers[CORRELATION_ID_HEADER] = created;
  return created;
}
