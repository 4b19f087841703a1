import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Request and correlation ids, decided once per raw request so that Fastify, the access log, the
 * application's logs and the response headers all show the same values. A caller's id is kept
 * when it is a plain token; anything else is replaced by a fresh UUID.
 */
const TOKEN = /^[A-Za-z0-9._:\-]{1,128}$/;
const requestIds = new WeakMap<IncomingMessage, string>();
const routes = new WeakMap<IncomingMessage, string>();

export const REQUEST_ID_HEADER = 'x-request-id';
export const CORRELATION_ID_HEADER = 'x-correlation-id';

export function requestIdOf(request: IncomingMessage): string {
  let id = requestIds.get(request);
  if (id === undefined) {
    id = tokenOrNew(request.headers[REQUEST_ID_HEADER]);
    requestIds.set(request, id);
  }
  return id;
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

/** The matched route's pattern (`/complaints/:id`), never the raw URL: bounded label values. */
export function rememberRoute(request: IncomingMessage, pattern: string | undefined): void {
  routes.set(request, pattern ?? 'unmatched');
}

export function routeOf(request: IncomingMessage): string {
  return routes.get(request) ?? 'unmatched';
}

function tokenOrNew(value: string | string[] | undefined): string {
  return typeof value === 'string' && TOKEN.test(value) ? value : randomUUID();
}
