import { createServer, type Server } from 'node:http';
import type { ApiMetrics } from './api-metrics';

/**
 * /metrics on a port of its own (METRICS_PORT), without a key: for a scraper on a private network
 * that the API's clients cannot reach. Everything else on that port is 404.
 */
export async function startMetricsListener(metrics: ApiMetrics, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: GET /metrics\n');
      return;
    }
    metrics.render().then(
      (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`),
    );
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(port, host, () => listening());
  });
  return server;
}
