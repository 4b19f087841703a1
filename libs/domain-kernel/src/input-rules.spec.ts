import { dateProblem, instantProblem, MAX_QUANTITY, quantityProblem, textProblem } from './input-rules';
import { FieldChecks, parseInstant } from './field-checks';

describe('input rules (DESIGN §11)', () => {
  it.each([
    ['2026-02-10T25:00:00Z', /25:00:00 is not a time of day/],
    ['2026-02-10T09:60Z', /09:60 is not a time of day/],
    ['2026-02-10T09:00:00+25:00', /offset \+25:00/],
    ['2026-02-10T09:00:00+14:30', /offset \+14:30/],
    ['2026-02-30T10:00:00Z', /day 30 does not exist in 2026-02/],
    ['2026-11-31T10:00:00+08:00', /day 31 does not exist in 2026-11/],
    ['2025-02-29T10:00:00Z', /day 29 does not exist in 2025-02/],
    ['2026-13-01T10:00:00Z', /month 13 does not exist/],
    ['0001-01-01T00:00:00Z', /year 1 is outside 2000–2100/],
    ['2101-01-01T00:00:00Z', /year 2101 is outside/],
    ['2026-02-10 09:00:00Z', /ISO-8601/],
    ['2026-02-10T09:00:00', /ISO-8601/],
  ])('refuses the instant %s', (value, message) => {
    expect(instantProblem(value)).toMatch(message);
    expect(parseInstant(value)).toBeNull();
  });

  it.each(['2028-02-29T23:59:59.999Z', '2026-11-30T00:00:00-12:00', '2026-01-01T00:00:00+14:00', '2000-01-01T00:00Z'])(
    'accepts the instant %s',
    (value) => {
      expect(instantProblem(value)).toBeNull();
      expect(parseInstant(value)?.toISOString()).toBe(new Date(value).toISOString());
    },
  );

  it('checks dates by the same calendar and range', () => {
    expect(dateProblem('2026-02-28')).toBeNull();
    expect(dateProblem('2026-02-30')).toMatch(/day 30 does not exist/);
    expect(dateProblem('0001-01-01')).toMatch(/year 1 is outside/);
    expect(dateProblem('2026-2-3')).toMatch(/YYYY-MM-DD/);
  });

  it('bounds quantities at MAX_QUANTITY', () => {
    expect(quantityProblem(MAX_QUANTITY)).toBeNull();
    expect(quantityProblem(MAX_QUANTITY + 1)).toMatch(/from 1 to 1,000,000,000/);
    expect(quantityProblem(1e308)).not.toBeNull();
    expect(quantityProblem(0, 0)).toBeNull();
    expect(quantityProblem(1.5)).not.toBeNull();
  });

  it('refuses control characters and lone surrogates, keeps tabs, new lines and any real character', () => {
    expect(textProblem('a\u0000b')).toBe('contains a control character (U+0000) at position 1');
    expect(textProblem('\u007f')).toMatch(/U\+007F/);
    expect(textProblem('\u0085')).toMatch(/U\+0085/);
    expect(textProblem('x\ud800')).toBe('contains a lone surrogate (U+D800) at position 1');
    expect(textProblem('\udc00x')).toMatch(/lone surrogate \(U\+DC00\)/);
    expect(textProblem('上海汽车 😀\tline\r\nnext')).toBeNull();
  });

  it('applies them in the domain checks, naming each field', () => {
    const checks = new FieldChecks();
    checks.text('customerId', 'a\u0000');
    checks.positiveInteger('quantity', 1e308);
    checks.date('promisedDate', '0001-01-01');
    checks.pastInstant('deliveredAt', '2026-02-30T00:00:00Z', new Date('2026-03-10T00:00:00Z'));
    expect(() => checks.done()).toThrow(
      expect.objectContaining({
        fieldErrors: [
          { field: 'customerId', message: expect.stringMatching(/control character/) },
          { field: 'quantity', message: expect.stringMatching(/up to 1000000000/) },
          { field: 'promisedDate', message: expect.stringMatching(/year 1/) },
          { field: 'deliveredAt', message: expect.stringMatching(/day 30/) },
        ],
      }),
    );
  });
});
