import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { correlationIdOf, requestIdOf, routeOf } from './request-tracing';

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

/** One access-log line per request: method, route pattern, status, duration, request and correlation ids. */
export function loggerModuleParams(logger: Logger): Params {
  return {
    pinoHttp: {
      logger,
      genReqId: (request: IncomingMessage) => requestIdOf(request),
      quietReqLogger: true,
      quietResLogger: true,
      customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
      customLogLevel: (_request: IncomingMessage, response: ServerResponse, error?: Error) =>
        error !== undefined || response.statusCode >= 500 ? 'error' : 'info',
      customSuccessMessage: () => 'request completed',
      customErrorMessage: () => 'request failed',
      customSuccessObject: (request: IncomingMessage, response: ServerResponse, values: { durationMs: number }) =>
        accessLine(request, response, values.durationMs),
      customErrorObject: (request: IncomingMessage, response: ServerResponse, error: Error, values: { durationMs: number }) => ({
        ...accessLine(request, response, values.durationMs),
        err: error,
      }),
    },
  };
}

function accessLine(request: IncomingMessage, response: ServerResponse, durationMs: number): Record<string, unknown> {
  return {
    method: request.method,
    route: routeOf(request),
    status: response.statusCode,
    durationMs,
    correlationId: correlationIdOf(request),
  };
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
 * Nest's own messages while the app is being built, before the request-aware logger takes over.
 * A failure to start is reported once, by main.ts, as one line: Nest's ExceptionHandler copy
 * (with its stack) is left out.
 */
export class StartupLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...context: unknown[]): void {
    this.logger.info(contextOf(context), String(message));
  }

  warn(message: unknown, ...context: unknown[]): void {
    this.logger.warn(contextOf(context), String(message));
  }

  error(message: unknown, ...rest: unknown[]): void {
    if (rest.at(-1) === 'ExceptionHandler') return;
    this.logger.error(contextOf(rest), message instanceof Error ? message.message : String(message));
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
