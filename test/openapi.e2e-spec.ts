import { startTestApp, type TestApp } from './support/test-app';

/* The OpenAPI document lists every answer a route gives, so that generated clients and fuzzers agree with the API. */
describe('OpenAPI document (/docs-json)', () => {
  let api: TestApp;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is read field by field
  let document: any;
  beforeAll(async () => {
    api = await startTestApp();
    document = (await api.request('GET', '/docs-json')).body;
  });
  afterAll(async () => {
    await api.close();
  });

  const statuses = (path: string, method: string) => Object.keys(document.paths[path][method].responses).sort();
  const headers = (path: string, method: string) =>
    (document.paths[path][method].parameters as { name: string; in: string }[]).filter((parameter) => parameter.in === 'header').map((parameter) => parameter.name);

  it('describes API keys as a bearer scheme of format "API key", required except on public routes', () => {
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'API key' });
    expect(document.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/health'].get.security).toEqual([]);
  });

  it('lists the error answers of a route from its shape, each with the error body', () => {
    expect(statuses('/complaints', 'post')).toEqual(['201', '400', '401', '403', '404', '409', '413', '415', '503']);
    expect(statuses('/complaints/{number}/assignment', 'post')).toEqual(['200', '400', '401', '403', '404', '409', '413', '414', '415', '503']);
    expect(statuses('/complaints', 'get')).toEqual(['200', '400', '401', '503']);
    expect(document.paths['/complaints'].post.responses['415'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
    expect(Object.keys(document.components.schemas.ErrorResponse.properties)).toEqual(['statusCode', 'code', 'message', 'fields']);
    // The import answers its own report of bad rows, or the error body for a bad request.
    expect(document.paths['/deliveries/import'].post.responses['400'].content['application/json'].schema.anyOf).toHaveLength(2);
  });

  it('documents the request and response headers of commands and reads', () => {
    expect(headers('/complaints', 'post')).toEqual(['X-Correlation-Id', 'X-Causation-Id', 'Idempotency-Key']);
    expect(headers('/complaints/{number}/assignment', 'post')).toContain('If-Match');
    expect(Object.keys(document.paths['/complaints/{number}/assignment'].post.responses['200'].headers)).toEqual(['ETag', 'Idempotent-Replayed']);
    expect(Object.keys(document.paths['/complaints'].get.responses['200'].headers)).toEqual(['X-Read-Model-Position']);
  });

  it('types command answers, nullable fields and calendar rules', () => {
    expect(document.paths['/complaints'].post.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ComplaintCommandResponse' });
    const comment = document.components.schemas.CommentDto.properties.comment;
    expect(comment).toMatchObject({ type: 'string', nullable: true });
    const receivedAt = new RegExp(document.components.schemas.RegisterComplaintDto.properties.receivedAt.pattern);
    expect(['2026-02-28T10:00:00+08:00', '2028-02-29T00:00Z'].every((value) => receivedAt.test(value))).toBe(true);
    expect(['2026-02-30T10:00:00Z', '2026-02-10T25:00:00Z', '2026-02-10T09:00:00+25:00', '0001-01-01T00:00:00Z'].some((value) => receivedAt.test(value))).toBe(false);
    expect(document.components.schemas.RegisterComplaintDto.additionalProperties).toBe(false);
    expect(document.components.schemas.RegisterComplaintDto.properties.quantityAffected).toMatchObject({ type: 'integer', maximum: 1_000_000_000 });
  });

  it('answers 405 with Allow for a method the path does not have', async () => {
    const response = await api.app.inject({ method: 'PUT', url: '/complaints', headers: { authorization: 'Bearer dev-sales' } });
    expect(response.statusCode).toBe(405);
    expect(response.headers['allow']).toMatch(/POST/);
    expect(response.json()).toMatchObject({ statusCode: 405, code: 'METHOD_NOT_ALLOWED' });
  });
});
