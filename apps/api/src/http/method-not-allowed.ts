import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ErrorBody } from './domain-exception.filter';

/**
 * A known path with a method it does not have is 405 with the methods it has (RFC 9110 §15.5.6),
 * not 404: the client sent the right address the wrong way. Must run before the routes are
 * registered (app.init), since it learns them as they are added.
 */
export function registerMethodNotAllowed(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const source = route.url
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    const pattern = new RegExp(`^${source}/?$`);
    const known = routes.find((entry) => entry.pattern.source === pattern.source);
    if (known) known.methods.push(...methods);
    else routes.push({ pattern, methods: [...methods] });
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.url !== undefined) return done();
    const path = request.url.split('?')[0] ?? '';
    const allowed = [...new Set(routes.filter((route) => route.pattern.test(path)).flatMap((route) => route.methods))];
    if (allowed.length === 0) return done();
    const body: ErrorBody = {
      statusCode: 405,
      code: 'METHOD_NOT_ALLOWED',
      message: `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}.`,
    };
    void reply.code(405).header('Allow', allowed.join(', ')).send(body);
  });
}
