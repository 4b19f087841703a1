import { assertNever } from '@qms/domain-kernel';
import type { Scalar } from '../read-store.port';
import type { Condition, RangeBound } from '../query';
import { accessorOf, compareStrings } from '../values';

type Test = (value: unknown) => boolean;

/**
 * MongoDB's matching rules for our conditions, compiled once per query into closures: a full
 * scan of 100,000 documents stays in the low milliseconds.
 */
export function compileMatcher(conditions: readonly Condition[]): (document: unknown) => boolean {
  const tests = conditions.map((condition) => {
    const read = accessorOf(condition.path);
    const test = compileCondition(condition);
    return (document: unknown) => test(read(document));
  });
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0] as (document: unknown) => boolean;
  return (document) => {
    for (let i = 0; i < tests.length; i++)
      if (!(tests[i] as (document: unknown) => boolean)(document)) return false;
    return true;
  };
}

function compileCondition(condition: Condition): Test {
  switch (condition.kind) {
    case 'eq':
      return holding(equalTo(condition.value));
    case 'in': {
      const wanted = new Set<Scalar>(condition.values.filter((value) => value !== null));
      const withNull = condition.values.includes(null);
      return holding(
        (value) => wanted.has(value as Scalar) || (withNull && (value === null || value === undefined)),
      );
    }
    case 'range': {
      const tests = condition.bounds.map(withinBound);
      const all: Test = (value) => {
        for (let i = 0; i < tests.length; i++) if (!(tests[i] as Test)(value)) return false;
        return true;
      };
      // On an array each bound may be met by a different element, as in MongoDB.
      return (value) =>
        isArray(value) ? tests.every((test) => value.some((item) => test(item))) : all(value);
    }
    case 'exists': {
      const { exists } = condition;
      return (value) => (value !== undefined) === exists;
    }
    default:
      return assertNever(condition, 'condition');
  }
}

function equalTo(value: Scalar): Test {
  if (value === null) return (actual) => actual === null || actual === undefined;
  return (actual) => actual === value;
}

/** A scalar test that also matches an array holding a matching element. */
function holding(test: Test): Test {
  return (value) => test(value) || (isArray(value) && value.some(test));
}

/**
 * Array.isArray only for objects: called on every scalar it costs more than the whole match in
 * some sandboxes (Jest's vm context makes it a slow cross-realm call).
 */
function isArray(value: unknown): value is unknown[] {
  return typeof value === 'object' && value !== null && Array.isArray(value);
}

/** Range bounds compare within a type only (MongoDB's type bracketing); strings by code point. */
function withinBound(bound: RangeBound): Test {
  const limit = bound.value;
  if (typeof limit === 'number') {
    switch (bound.op) {
      case 'gt':
        return (value) => typeof value === 'number' && value > limit;
      case 'gte':
        return (value) => typeof value === 'number' && value >= limit;
      case 'lt':
        return (value) => typeof value === 'number' && value < limit;
      case 'lte':
        return (value) => typeof value === 'number' && value <= limit;
      default:
        return assertNever(bound.op, 'range operator');
    }
  }
  // Native order equals code-point order whenever one side has no unit ≥ U+D800.
  const order: (value: string) => number = /[\ud800-\uffff]/.test(limit)
    ? (value) => compareStrings(value, limit)
    : (value) => (value < limit ? -1 : value > limit ? 1 : 0);
  switch (bound.op) {
    case 'gt':
      return (value) => typeof value === 'string' && order(value) > 0;
    case 'gte':
      return (value) => typeof value === 'string' && order(value) >= 0;
    case 'lt':
      return (value) => typeof value === 'string' && order(value) < 0;
    case 'lte':
      return (value) => typeof value === 'string' && order(value) <= 0;
    default:
      return assertNever(bound.op, 'range operator');
  }
}
