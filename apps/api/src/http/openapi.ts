import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiProperty, ApiPropertyOptional, DocumentBuilder, getSchemaPath, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { JSON_BODY_LIMIT_BYTES } from './input-checks';
import { answerSchemas } from './response-schemas';

class FieldErrorResponse {
  @ApiProperty({ example: 'receivedAt' }) field!: string;
  @ApiProperty({ example: '2026-02-30T10:00:00Z: day 30 does not exist in 2026-02' }) message!: string;
}

/** The one error body of every refusal (domain-exception.filter.ts). */
export class ErrorResponse {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'VALIDATION_FAILED, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONCURRENCY_CONFLICT, ILLEGAL_STATE, STORE_UNAVAILABLE, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, BAD_REQUEST' })
  code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: [FieldErrorResponse], description: 'Each bad field (400 only)' }) fields?: FieldErrorResponse[];
}

type Operation = {
  parameters?: { name: string; in: string; [key: string]: unknown }[];
  requestBody?: unknown;
  responses: Record<string, { description?: string; content?: unknown; headers?: Record<string, unknown> }>;
  security?: unknown[];
  'x-public'?: boolean;
  'x-roles'?: string[];
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const ERROR_DESCRIPTIONS: Record<string, string> = {
  '400': 'Bad input: every bad field is named in fields; nothing was appended',
  '401': 'No API key, or an unknown one: send Authorization: Bearer <API key>',
  '403': 'The API key’s role may not do this',
  '404': 'No such record',
  '409': 'Conflict: the record changed since If-Match, the step is not allowed in its state, or the Idempotency-Key was used for another request',
  '414': 'A path segment longer than 100 characters',
  '413': `Body larger than ${JSON_BODY_LIMIT_BYTES} bytes`,
  '415': 'Media type the route does not take',
  '503': 'The event store or read store is unavailable; retry after Retry-After seconds',
};

/** What a path segment must look like, where the route checks it before looking the record up. */
const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f-\\u009f/]{1,80}$';
/** textProblem's rule for free text: tab, line feed and carriage return are the only controls allowed. */
const CLEAN_TEXT = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$';
const PATH_PARAMETER_SCHEMAS: Record<string, Record<string, unknown>> = {
  // numbering.ts: CC-<year>-<sequence>, reopenings add -<n>
  number: {
    type: 'string',
    pattern: '^CC-[0-9]{4}-(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3,8})(?:-[1-9][0-9]{0,3}){0,5}$',
    example: 'CC-2026-0001',
  },
  streamId: { type: 'string', pattern: '^(complaint|customer-notification|return|survey|delivery)-[A-Za-z0-9._:-]{1,80}$', example: 'complaint-CC-2026-0001' },
  month: { type: 'string', pattern: '^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$', example: '2026-11' },
  dispositionNo: { type: 'integer', minimum: 1, maximum: 1000000 },
  countermeasureNo: { type: 'integer', minimum: 1, maximum: 1000000 },
  // A global position of the event log (parking decisions)
  position: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
};

const header = (name: string, description: string, example?: string) => ({
  name,
  in: 'header',
  required: false,
  description,
  schema: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9._:-]{0,128}$', ...(example ? { example } : {}) },
});

/**
 * Serves the OpenAPI document at /docs-json and Swagger UI at /docs. Error answers, request
 * headers and response headers follow from each route's shape (a body, path parameters, roles),
 * so every route — including ones added later — documents them the same way.
 */
export function setupOpenApi(app: NestFastifyApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Customer complaint, return and satisfaction backend')
      .setDescription('Commands append events; read APIs serve the projections. Authenticate with Authorization: Bearer <API key>.')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'API key', description: 'An API key from API_KEYS_FILE' }, 'bearer')
      .addSecurityRequirements('bearer')
      .build(),
    { extraModels: [ErrorResponse] },
  );
  addAnswerSchemas(document);
  describeStandardResponses(document);
  SwaggerModule.setup('docs', app, document);
  return document;
}

/** The read APIs' answers (response-schemas.ts), beside the schemas Nest derived from the DTO classes. */
export function addAnswerSchemas(document: OpenAPIObject): void {
  const schemas = (document.components ??= {}).schemas ??= {};
  for (const [name, schema] of Object.entries(answerSchemas())) {
    if (schemas[name] !== undefined) throw new Error(`Two schemas are named ${name}`);
    schemas[name] = schema;
  }
}

export function describeStandardResponses(document: OpenAPIObject): void {
  const errorContent = { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponse) } } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Partial<Record<(typeof METHODS)[number], Operation>>)[method];
      if (operation === undefined) continue;
      const parameters = operation.parameters ?? [];
      for (const parameter of parameters) {
        if (parameter.in === 'path') parameter['schema'] = PATH_PARAMETER_SCHEMAS[parameter.name] ?? { type: 'string', pattern: NO_CONTROL_CHARACTERS };
        if (parameter.in === 'query') constrainText(parameter['schema']);
      }
      const command = method !== 'get';
      const statuses = new Set<string>(['503']);
      if (parameters.length > 0 || operation.requestBody !== undefined || !operation['x-public']) statuses.add('400');
      if (operation.requestBody !== undefined) ['413', '415'].forEach((status) => statuses.add(status));
      if (parameters.some((parameter) => parameter.in === 'path')) ['404', '414'].forEach((status) => statuses.add(status));
      // A command may name a record in its body (a correction, a linked complaint) that does not exist.
      if (command) ['404', '409'].forEach((status) => statuses.add(status));
      if (operation['x-public']) operation.security = [];
      else {
        statuses.add('401');
        if (operation['x-roles'] !== undefined) statuses.add('403');
        operation.parameters = [
          ...parameters,
          header('X-Correlation-Id', 'Ties the events and logs of one business transaction together; generated when absent'),
          header('X-Causation-Id', 'The message that caused this request; defaults to the correlation id'),
          ...(command ? [header('Idempotency-Key', 'A retry with the same key answers the first result and appends nothing', 'a7c1e2d4-0b5f-4e1a-9c3e-2d8f6b1a0c9e')] : []),
          ...(command && parameters.some((parameter) => parameter.in === 'path')
            ? [{ name: 'If-Match', in: 'header', required: false, description: 'The ETag (revision) the client last saw: 409 if the record changed since', schema: { type: 'string', pattern: '^((W/)?"?[0-9]{1,15}"?)?$', example: '"3"' } }]
            : []),
        ];
      }
      for (const status of statuses) {
        const documented = operation.responses[status];
        if (documented === undefined) operation.responses[status] = { description: ERROR_DESCRIPTIONS[status] ?? 'Error', content: errorContent };
        else documented.content = withErrorBody(documented.content);
      }
      if (statuses.has('503')) operation.responses['503']!.headers = { 'Retry-After': { description: 'Seconds', schema: { type: 'integer' } } };
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!status.startsWith('2')) continue;
        if (command) {
          response.headers = {
            ...response.headers,
            ETag: { description: 'The record’s revision after the command: send as If-Match', schema: { type: 'string' } },
            'Idempotent-Replayed': { description: 'true when answered from the first request with this Idempotency-Key', schema: { type: 'string' } },
          };
        } else if (parameters.some((parameter) => parameter.name === 'minPosition')) {
          response.headers = {
            ...response.headers,
            'X-Read-Model-Position': { description: 'The read model’s position: it includes every command up to it', schema: { type: 'integer' } },
          };
        }
      }
      void path;
    }
  }
  closeRequestSchemas(document);
}

/** A route's own answer for an error status (the import's report of bad rows), or the error body. */
function withErrorBody(content: unknown): unknown {
  const error = { $ref: getSchemaPath(ErrorResponse) };
  const schema = (content as { 'application/json'?: { schema?: unknown } } | undefined)?.['application/json']?.schema;
  if (schema === undefined) return { 'application/json': { schema: error } };
  return { 'application/json': { schema: { anyOf: [schema, error] } } };
}

/** Free text without its own pattern or list of values says which characters it may hold. */
function constrainText(schema: unknown): void {
  if (schema === null || typeof schema !== 'object') return;
  const node = schema as Record<string, unknown>;
  if (node['type'] === 'string' && node['pattern'] === undefined && node['enum'] === undefined) node['pattern'] = CLEAN_TEXT;
  if (node['type'] === 'array') constrainText(node['items']);
}

/** Request bodies refuse unknown fields (forbidNonWhitelisted), and say so. */
function closeRequestSchemas(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Record<string, unknown>>;
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      const name = ref.split('/').pop() ?? '';
      if (seen.has(name) || schemas[name] === undefined) return;
      seen.add(name);
      if (schemas[name]['type'] === 'object' || schemas[name]['properties'] !== undefined) schemas[name]['additionalProperties'] = false;
      Object.values((schemas[name]['properties'] ?? {}) as Record<string, unknown>).forEach(constrainText);
      visit(schemas[name]);
      return;
    }
    Object.values(node).forEach(visit);
  };
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Partial<Record<(typeof METHODS)[number], { requestBody?: unknown }>>)[method];
      if (operation?.requestBody !== undefined) visit(operation.requestBody);
    }
  }
}
