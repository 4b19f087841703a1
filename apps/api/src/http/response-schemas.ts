import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// The JSON answers of the read APIs, for reporting tools that generate a client from /docs-json
// and for the fuzzer's response checks. Each answer is a zod schema checked at compile time
// against the TypeScript type the route returns (`describing`), so the document cannot drift
// from the code; the schemas become named components of the OpenAPI 3.0 document.
// ---------------------------------------------------------------------------------------------

const answers = z.registry<{ id?: string; description?: string }>();

type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
type SameShape<A, B> = [Mutable<A>] extends [Mutable<B>] ? ([Mutable<B>] extends [Mutable<A>] ? true : false) : false;

/**
 * `describing<T>()(schema)` compiles only when the schema's output is exactly T (readonly aside):
 * a field missing on either side, typed differently, optional instead of nullable, fails tsc.
 */
export const describing =
  <T>() =>
  <S extends z.ZodType>(schema: S, ..._exactly: SameShape<z.output<S>, T> extends true ? [] : [mismatch: { schema: Mutable<z.output<S>>; type: Mutable<T> }]): S =>
    schema;

/** Registers a schema as the named component `name` of the document. */
export function answer<S extends z.ZodType>(name: string, schema: S, description?: string): S {
  answers.add(schema, { id: name, ...(description === undefined ? {} : { description }) });
  return schema;
}

/**
 * The route's 200 answer is the registered schema (application/json); `files` names the other
 * media types the route answers with on request (a workbook), as binary bodies.
 */
export function ApiJsonOk(schema: z.ZodType, options: { readonly description?: string; readonly files?: readonly string[] } = {}): MethodDecorator {
  const id = answers.get(schema)?.id;
  if (id === undefined) throw new Error('ApiJsonOk takes a schema registered with answer()');
  const content: Record<string, { schema: SchemaObject | { $ref: string } }> = { 'application/json': { schema: { $ref: `#/components/schemas/${id}` } } };
  for (const type of options.files ?? []) content[type] = { schema: { type: 'string', format: 'binary' } };
  return applyDecorators(ApiOkResponse({ content, ...(options.description === undefined ? {} : { description: options.description }) }));
}

/** An ISO-8601 instant with its offset (the stores keep them as toISOString() wrote them). */
export const instant = () => z.iso.datetime({ offset: true });
/** A calendar date, YYYY-MM-DD. */
export const calendarDate = () => z.iso.date();
/** A month, YYYY-MM. */
export const monthKey = () => z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/);
/** A whole number of things (complaints, pieces, events). */
export const count = () => z.int().nonnegative();
/** A global position of the event log. */
export const logPosition = () => z.int().nonnegative();

/**
 * An object with exactly these keys, each holding `value` (a breakdown by severity, a KPI block):
 * written out key by key, so that the document lists them as properties a client can name.
 */
export function keyed<const K extends string, V extends z.ZodType>(keys: readonly K[], value: V): z.ZodObject<{ [key in K]: V }, z.core.$strict> {
  return z.strictObject(Object.fromEntries(keys.map((key) => [key, value])) as { [key in K]: V });
}

/** As `keyed`, every key optional (a customer's breakdown keeps its non-zero buckets only). */
export function partlyKeyed<const K extends string, V extends z.ZodType>(keys: readonly K[], value: V): z.ZodObject<{ [key in K]: z.ZodOptional<V> }, z.core.$strict> {
  return z.strictObject(Object.fromEntries(keys.map((key) => [key, value.optional()])) as { [key in K]: z.ZodOptional<V> });
}

type JsonSchema = Record<string, unknown>;

/** Every registered answer as OpenAPI 3.0 component schemas. */
export function answerSchemas(): Record<string, SchemaObject> {
  const { schemas } = z.toJSONSchema(answers, {
    target: 'openapi-3.0',
    unrepresentable: 'throw',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, toOpenApi30(schema as JsonSchema, name) as SchemaObject]));
}

/** What OpenAPI 3.0 writes for "null" alone (as zod does for z.null()). */
const NULL_ONLY: JsonSchema = { type: 'string', nullable: true, enum: [null] };
const ANNOTATIONS = new Set(['description', 'title', 'example', 'deprecated']);

/**
 * What zod writes and OpenAPI 3.0 reads differently: no `$id`; a nullable enum lists null among
 * its values (3.0.3); `nullable` only means something beside a `type`, so a nullable union or
 * reference becomes "any of them, or null". The date-time pattern zod adds says no more than
 * `format: date-time`.
 */
function toOpenApi30(node: unknown, where: string): JsonSchema {
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (value === null || typeof value !== 'object') return value;
    const schema: JsonSchema = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === '$id') continue;
      schema[key] = key === 'enum' || key === 'required' ? child : visit(child);
    }
    if (schema['format'] === 'date-time' || schema['format'] === 'date') delete schema['pattern'];
    if (schema['nullable'] !== true) return schema;
    const values: unknown = schema['enum'];
    if (Array.isArray(values) && !values.includes(null)) schema['enum'] = [...(values as unknown[]), null];
    if (schema['type'] !== undefined) return schema;
    const outer: JsonSchema = {};
    const inner: JsonSchema = {};
    for (const [key, child] of Object.entries(schema)) {
      if (key !== 'nullable') (ANNOTATIONS.has(key) ? outer : inner)[key] = child;
    }
    const single = Object.keys(inner).length === 1;
    const anyOf: unknown = inner['anyOf'];
    const allOf: unknown = inner['allOf'];
    const options: unknown[] = single && Array.isArray(anyOf) ? anyOf : single && Array.isArray(allOf) && allOf.length === 1 ? allOf : [inner];
    return { ...outer, anyOf: [...options, NULL_ONLY] };
  };
  const converted = visit(node);
  if (converted === null || typeof converted !== 'object') throw new Error(`${where}: not a schema`);
  return converted as JsonSchema;
}
