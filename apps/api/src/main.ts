import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { loadAppConfig } from './config/app-config';
import { ApiMetrics } from './observability/api-metrics';
import { startMetricsListener } from './observability/metrics-listener';

async function main(): Promise<void> {
  const config = loadAppConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const logger = new Logger('Main');
  if (config.metricsPort !== undefined) {
    const server = await startMetricsListener(app.get(ApiMetrics), config.metricsPort, config.metricsHost);
    app.getHttpServer().on('close', () => server.close());
    logger.log(`Metrics on http://${config.metricsHost}:${config.metricsPort}/metrics`);
  }
  const mode = config.eventStoreUrl ? 'EventStoreDB' : `embedded SQLite at ${config.eventsDbPath}`;
  logger.log(`API listening on http://${config.host}:${config.port} (events: ${mode}; docs at /docs)`);
}

main().catch((error: unknown) => {
  // Start-up problems are configuration problems: one line that says what to fix, no stack.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`Cannot start: ${message.replace(/\s*\n\s*/g, ' ')}`);
  process.exit(1);
});
