import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppOverrides } from '../../apps/api/src/app.module';
import { createApp } from '../../apps/api/src/bootstrap';
import { loadAppConfig } from '../../apps/api/src/config/app-config';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly dataDir: string;
  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  readonly key?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface TestResponse {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs read JSON answers field by field
  readonly body: any;
  readonly headers: Record<string, unknown>;
  readonly text: string;
}

/** The real app on the embedded default (fresh SQLite files for events and read models), driven through Fastify's inject. */
export async function startTestApp(env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'qms-e2e-'));
  // Quiet unless asked (LOG_LEVEL=info npx jest …): expected errors would otherwise fill the output.
  const config = loadAppConfig({
    EVENTS_DB_PATH: join(dataDir, 'events.db'),
    READ_DB_PATH: join(dataDir, 'read-models.db'),
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'silent',
    ...env,
  });
  const app = await createApp(config, overrides);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    dataDir,
    async request(method, url, options = {}) {
      const response = await app.inject({
        method,
        url,
        headers: {
          ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
      });
      let body: unknown = undefined;
      try {
        body = response.json();
      } catch {
        body = undefined;
      }
      return { status: response.statusCode, body, headers: response.headers, text: response.body };
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
