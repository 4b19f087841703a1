import { type CanActivate, type ExecutionContext, Injectable, UnsupportedMediaTypeException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ValidationError } from '@qms/domain-kernel';
import type { FastifyRequest } from 'fastify';
import type { Server } from 'node:http';
import { type AuthenticatedRequest, requestContextOf } from '../auth/request-context';
import { registerMethodNotAllowed } from './method-not-allowed';

/** The largest command body is a return with 500 items (~60 kB); a megabyte leaves room and no more. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;
/** The deepest DTO nests three levels; 64 keeps every parser and validator far from the stack's end. */
export const JSON_MAX_DEPTH = 64;
/** Where @ApiConsumes keeps its media types (@nestjs/swagger does not export its constants). */
const API_CONSUMES = 'swagger/apiConsumes';

/**
 * How requests are read and checked before a route runs (DESIGN §11: malformed input is a 4xx,
 * never a 5xx): JSON must be valid UTF-8, at most JSON_BODY_LIMIT_BYTES (413) and JSON_MAX_DEPTH
 * deep (400); a CSV upload is handed on as a stream; any other type, or a type the route does not
 * take, is 415; a method the path does not have is 405.
 */
export function registerInputChecks(app: NestFastifyApplication): void {
  registerMethodNotAllowed(app);
  const fastify = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  // Through Nest, so that it does not add its own JSON and form parsers at init: forms are 415 here.
  app.useBodyParser<Server>('application/json', { bodyLimit: JSON_BODY_LIMIT_BYTES }, (request, body, done) => {
    const text = decodeUtf8(body);
    if (typeof text !== 'string') return done(text);
    const depthError = depthProblem(text);
    if (depthError !== null) return done(depthError);
    void parseJson(request, text, (error, value) => done(error === null ? null : jsonError(error), value));
  });
  fastify.removeContentTypeParser('text/plain');
  // CSV uploads (delivery import) reach the handler as the raw stream: never buffered, not bound by bodyLimit.
  fastify.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
}

/**
 * A route takes the media types its OpenAPI description names (@ApiConsumes), JSON otherwise, so
 * the documentation and the check cannot drift apart. The request headers every authenticated
 * route documents (correlation, causation, Idempotency-Key, If-Match) are checked on every route,
 * also where the route does not use them, so a malformed one is never silently ignored.
 *
 * A guard registered after AuthGuard (app.module.ts), so that it sees the actor and a wrong role
 * is still a 403 first. Not an interceptor: with no interceptor at all Nest skips its RxJS chain
 * and the async-context binding of every request, a sixth of what a request allocated.
 */
@Injectable()
export class RequestShapeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & FastifyRequest>();
    if (request.actor !== undefined) requestContextOf({ headers: request.headers, actor: request.actor, body: null });
    const contentType = request.headers['content-type'];
    if (contentType !== undefined && request.body !== undefined) {
      const accepted = this.reflector.getAllAndOverride<string[] | undefined>(API_CONSUMES, [
        context.getHandler(),
        context.getClass(),
      ]) ?? ['application/json'];
      const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
      if (!accepted.includes(mediaType)) {
        throw new UnsupportedMediaTypeException(`This route takes ${accepted.join(' or ')}, not ${mediaType}.`);
      }
    }
    return true;
  }
}

function decodeUtf8(body: Buffer): string | Error {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    const line = firstInvalidUtf8Line(body);
    return clientError(`The body is not valid UTF-8 (first bad byte on line ${line}).`, 'body');
  }
}

/** 1-based line of the first byte sequence that is not UTF-8. */
export function firstInvalidUtf8Line(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let index = 0; index <= bytes.length; index += 1) {
    if (index === bytes.length || bytes[index] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, index));
      } catch {
        return line;
      }
      line += 1;
      start = index + 1;
    }
  }
  return line;
}

/** Counts brackets outside strings; JSON.parse itself is not asked to go deeper than the limit. */
function depthProblem(text: string): Error | null {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index += 1;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > JSON_MAX_DEPTH)
        return clientError(`The JSON body nests deeper than ${JSON_MAX_DEPTH} levels.`, 'body');
    } else if (char === 0x7d || char === 0x5d) depth -= 1;
  }
  return null;
}

function jsonError(error: Error): Error {
  return clientError(`The body is not valid JSON: ${error.message}`, 'body');
}

function clientError(message: string, field: string): Error {
  return ValidationError.field(field, message);
}
