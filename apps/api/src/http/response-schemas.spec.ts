import { z } from 'zod';
import { answer, answerSchemas, instant, keyed, partlyKeyed } from './response-schemas';

/** What a generated client and the fuzzer read: OpenAPI 3.0, closed objects, null only where sent. */
describe('answer schemas as OpenAPI 3.0 components', () => {
  const Part = answer('Part', z.strictObject({ partNo: z.string() }));
  answer(
    'Sample',
    z.strictObject({
      at: instant(),
      doneAt: instant().nullable(),
      severity: z.enum(['urgent', 'normal']).nullable(),
      count: z.int().nonnegative(),
      either: z.union([z.strictObject({ revised: z.literal(true) }), z.strictObject({ revised: z.literal(false), reason: z.string() })]).nullable(),
      bySeverity: keyed(['urgent', 'normal'], z.int()),
      byCause: partlyKeyed(['man', 'machine'], z.int()),
      part: Part.nullable(),
      lot: z.strictObject({ lotNo: z.string() }).nullable(),
    }),
  );
  const sample = answerSchemas()['Sample'] as Record<string, Record<string, Record<string, unknown>>>;
  const properties = sample['properties']!;

  it('closes every object and lists every field as required unless optional', () => {
    expect(sample).toMatchObject({ type: 'object', additionalProperties: false });
    expect(sample['required']).toEqual(['at', 'doneAt', 'severity', 'count', 'either', 'bySeverity', 'byCause', 'part', 'lot']);
    expect(properties['bySeverity']).toMatchObject({ additionalProperties: false, required: ['urgent', 'normal'], properties: { urgent: { type: 'integer' } } });
    expect(properties['byCause']!['required']).toBeUndefined();
    expect(Object.keys(properties['byCause']!['properties']!)).toEqual(['man', 'machine']);
  });

  it('writes instants as date-time strings and whole numbers as integers, without zod’s own keys', () => {
    expect(properties['at']).toEqual({ type: 'string', format: 'date-time' });
    expect(properties['count']).toMatchObject({ type: 'integer', minimum: 0 });
    expect(JSON.stringify(sample)).not.toContain('$id');
  });

  it('says null with a type beside it: a nullable enum lists null; a nullable union or reference is any of them, or null', () => {
    expect(properties['doneAt']).toEqual({ type: 'string', format: 'date-time', nullable: true });
    expect(properties['severity']).toEqual({ type: 'string', enum: ['urgent', 'normal', null], nullable: true });
    const either = properties['either']!['anyOf'] as Record<string, unknown>[];
    expect(either).toHaveLength(3);
    expect(either[2]).toEqual({ type: 'string', nullable: true, enum: [null] });
    expect(properties['either']!['nullable']).toBeUndefined();
    expect(properties['part']).toEqual({ anyOf: [{ $ref: '#/components/schemas/Part' }, { type: 'string', nullable: true, enum: [null] }] });
    expect(properties['lot']).toMatchObject({ type: 'object', nullable: true, additionalProperties: false });
  });
});
