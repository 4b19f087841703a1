import type { LoggerService } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { correlationIdOf } from './request-tracing';

/** The app's pino logger, for the few places that log structured values (Nest's Logger takes text). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * JSON lines on stdout (what a log shipper expects); human-readable output only with
 * LOG_FORMAT=pretty, through pino-pretty, a dev dependency that a production install lacks.
 */
export function createRootLogger(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
  };
  if (destination !== undefined) return pino(options, destination);
  if (config.logFormat !== 'pretty') return pino(options);
  if (!isInstalled('pino-pretty')) {
    const logger = pino(options);
    logger.warn('LOG_FORMAT=pretty needs pino-pretty (a development dependency), which is not installed: logging JSON');
    return logger;
  }
  return pino(options, pino.transport({ target: 'pino-pretty', options: { translateTime: 'SYS:standard', ignore: 'pid,hostname' } }));
}

/**
 * One access-log line per request, written from Fastify's onResponse hook with the values the
 * hook already has: method, route pattern, status, duration, request and correlation ids. A
 * per-request child logger (pino-http's) cost about a quarter of a no-op request's time; the one
 * other line a request may write (the exception filter's) names the request's ids itself.
 */
export function logAccess(logger: Logger, request: FastifyRequest, reply: FastifyReply, route: string): void {
  const failed = reply.statusCode >= 500;
  if (!logger.isLevelEnabled(failed ? 'error' : 'info')) return;
  const line = {
    requestId: request.id,
    method: request.method,
    route,
    status: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 100) / 100,
    correlationId: correlationIdOf(request.raw),
  };
  if (failed) logger.error(line, 'request failed');
  else logger.info(line, 'request completed');
}

function isInstalled(moduleName: string): boolean {
  try {
    require.resolve(moduleName);
    return true;
  } catch {
    return false;
  }
}

/**
 * Nest's logger over pino: Nest's own messages and the app's (`new Logger(context)`), one JSON
 * line each. A failure to start is reported once, by main.ts, as one line: Nest's ExceptionHandler
 * copy (with its stack) is left out.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...context: unknown[]): void {
    this.logger.info(contextOf(context), String(message));
  }

  warn(message: unknown, ...context: unknown[]): void {
    this.logger.warn(contextOf(context), String(message));
  }

  error(message: unknown, ...rest: unknown[]): void {
    if (rest.at(-1) === 'ExceptionHandler') return;
    if (message instanceof Error) this.logger.error({ ...contextOf(rest), err: message }, message.message);
    else this.logger.error(contextOf(rest), String(message));
  }

  debug(message: unknown, ...context: unknown[]): void {
    this.logger.debug(contextOf(context), String(message));
  }

  verbose(message: unknown, ...context: unknown[]): void {
    this.logger.trace(contextOf(context), String(message));
  }
}

function contextOf(rest: readonly unknown[]): { context?: string } {
  const last = rest.at(-1);
  return typeof last === 'string' ? { context: last } : {};
}
