import 'reflect-metadata';
import { createApp } from './bootstrap';
import { ConfigurationError, loadAppConfig } from './config/app-config';

async function main(): Promise<void> {
  const config = loadAppConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const mode = config.eventStoreUrl ? 'EventStoreDB' : `embedded SQLite at ${config.eventsDbPath}`;
  console.log(`API listening on http://${config.host}:${config.port} (events: ${mode}; docs at /docs)`);
}

main().catch((error: unknown) => {
  // Start-up problems are configuration problems: one line that says what to fix, no stack.
  const message = error instanceof ConfigurationError || error instanceof Error ? error.message : String(error);
  console.error(`Cannot start: ${message}`);
  process.exit(1);
});
