import { assertNever } from '@qms/domain-kernel';
import type { Scalar } from '../read-store.port';
import type { Condition, RangeBound } from '../query';
import { compareValues, typeRank, valueAt } from '../values';

/** MongoDB's matching rules for our conditions, over plain JSON documents. */
export function compileMatcher(conditions: readonly Condition[]): (document: unknown) => boolean {
  const tests = conditions.map(compileCondition);
  if (tests.length === 0) return () => true;
  return (document) => {
    for (const test of tests) if (!test(document)) return false;
    return true;
  };
}

function compileCondition(condition: Condition): (document: unknown) => boolean {
  const { path } = condition;
  switch (condition.kind) {
    case 'eq': {
      const { value } = condition;
      return (document) => equalsOrHolds(valueAt(document, path), value);
    }
    case 'in': {
      const { values } = condition;
      return (document) => {
        const actual = valueAt(document, path);
        return values.some((value) => equalsOrHolds(actual, value));
      };
    }
    case 'range': {
      const { bounds } = condition;
      return (document) => {
        const actual = valueAt(document, path);
        // On an array each bound may be met by a different element, as in MongoDB.
        if (Array.isArray(actual)) return bounds.every((bound) => actual.some((item) => withinBound(item, bound)));
        return bounds.every((bound) => withinBound(actual, bound));
      };
    }
    case 'exists': {
      const { exists } = condition;
      return (document) => (valueAt(document, path) !== undefined) === exists;
    }
    default:
      return assertNever(condition, 'condition');
  }
}

function equalsOrHolds(actual: unknown, value: Scalar): boolean {
  if (scalarEquals(actual, value)) return true;
  return Array.isArray(actual) && actual.some((item) => scalarEquals(item, value));
}

function scalarEquals(actual: unknown, value: Scalar): boolean {
  if (value === null) return actual === null || actual === undefined;
  return actual === value;
}

/** Range bounds compare within a type only (MongoDB's type bracketing). */
export function withinBound(actual: unknown, bound: RangeBound): boolean {
  if (typeRank(actual) !== typeRank(bound.value)) return false;
  const order = compareValues(actual, bound.value);
  switch (bound.op) {
    case 'gt':
      return order > 0;
    case 'gte':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'lte':
      return order <= 0;
    default:
      return assertNever(bound.op, 'range operator');
  }
}
