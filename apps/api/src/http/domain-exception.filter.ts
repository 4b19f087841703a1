import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { DomainError, type DomainErrorCode, ValidationError } from '@qms/domain-kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../observability/logging';
import { correlationIdOf } from '../observability/request-tracing';

/** The one place where error codes become HTTP status codes. */
const STATUS_BY_CODE: Record<DomainErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONCURRENCY_CONFLICT: 409,
  ILLEGAL_STATE: 409,
  STORE_UNAVAILABLE: 503,
};

export interface ErrorBody {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  readonly fields?: readonly { field: string; message: string }[];
}

@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500 && body.code === 'INTERNAL') {
      const request = host.switchToHttp().getRequest<FastifyRequest>();
      // With the request's ids, so that the access line's "request failed" leads to the cause.
      this.logger.error({ context: 'HTTP', requestId: request.id, correlationId: correlationIdOf(request.raw), err: exception }, 'unexpected error');
    }
    if (body.statusCode === 503) void reply.header('Retry-After', '5');
    void reply.status(body.statusCode).send(body);
  }
}

export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof ValidationError) {
    return { statusCode: 400, code: exception.code, message: exception.message, fields: exception.fieldErrors };
  }
  if (exception instanceof DomainError) {
    return { statusCode: STATUS_BY_CODE[exception.code], code: exception.code, message: exception.message };
  }
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const detail = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const message = typeof detail === 'string' ? detail : Array.isArray(detail) ? detail.join('; ') : exception.message;
    return { statusCode: exception.getStatus(), code: httpCode(exception.getStatus()), message };
  }
  const client = fastifyClientError(exception);
  if (client !== undefined) return { statusCode: client.statusCode, code: httpCode(client.statusCode), message: client.message };
  return { statusCode: 500, code: 'INTERNAL', message: 'Internal error; the request may be retried with the same Idempotency-Key.' };
}

/** Fastify's own refusals before a route runs (body too large, unknown media type, empty JSON body). */
function fastifyClientError(exception: unknown): { statusCode: number; message: string } | undefined {
  if (!(exception instanceof Error)) return undefined;
  const { statusCode, code } = exception as Error & { statusCode?: unknown; code?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  return { statusCode, message: exception.message };
}

function httpCode(status: number): string {
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
}
