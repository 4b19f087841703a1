import type { Document } from 'mongodb';
import { assertNever } from '@qms/domain-kernel';
import type { Scalar } from '../read-store.port';
import type { Condition, NormalizedSortKey } from '../query';

/**
 * Our conditions as MongoDB filters. Every value sits behind an explicit operator ($eq, $in,
 * $gt, ...), where MongoDB reads it as a literal: a client string "$ne" stays a string, and
 * objects never get here (normalizeQuery refuses them).
 */
export function toMongoFilter(conditions: readonly Condition[]): Document[] {
  return conditions.map((condition): Document => {
    switch (condition.kind) {
      case 'eq':
        return { [condition.field]: { $eq: condition.value } };
      case 'in':
        return { [condition.field]: { $in: [...condition.values] } };
      case 'range': {
        const operators: Document = {};
        for (const bound of condition.bounds) operators[`$${bound.op}`] = bound.value;
        return { [condition.field]: operators };
      }
      case 'exists':
        return { [condition.field]: { $exists: condition.exists } };
      default:
        return assertNever(condition, 'condition');
    }
  });
}

export function toMongoSort(sort: readonly NormalizedSortKey[]): Document {
  const spec: Document = {};
  for (const key of sort) spec[key.field] = key.direction === 'asc' ? 1 : -1;
  return spec;
}

/**
 * Documents after the cursor in the sort order (keyset pagination): for keys k1..kn,
 * (k1 beyond v1) or (k1 = v1 and k2 beyond v2) or ... MongoDB's range operators match one type
 * only, so "beyond" also names the types that sort after the cursor value's type.
 */
export function afterCursorFilter(sort: readonly NormalizedSortKey[], values: readonly Scalar[]): Document {
  const branches: Document[] = [];
  for (let i = 0; i < sort.length; i++) {
    const key = sort[i] as NormalizedSortKey;
    const beyond =
      key.direction === 'asc'
        ? greaterThan(key.field, values[i] ?? null)
        : lessThan(key.field, values[i] ?? null);
    if (beyond === null) continue;
    const equalBefore = sort
      .slice(0, i)
      .map((previous, j) => ({ [previous.field]: { $eq: values[j] ?? null } }));
    branches.push(equalBefore.length === 0 ? beyond : { $and: [...equalBefore, beyond] });
  }
  // An empty $or is invalid; no branch means nothing sorts after the cursor.
  return branches.length === 0 ? { _id: { $exists: false } } : { $or: branches };
}

// BSON order of the scalar types we sort: null (and missing) < numbers < strings < booleans.
function greaterThan(field: string, value: Scalar): Document | null {
  if (value === null) return { [field]: { $ne: null } };
  switch (typeof value) {
    case 'number':
      return { $or: [{ [field]: { $gt: value } }, { [field]: { $type: ['string', 'bool'] } }] };
    case 'string':
      return { $or: [{ [field]: { $gt: value } }, { [field]: { $type: 'bool' } }] };
    case 'boolean':
      return { [field]: { $gt: value } };
    default:
      return assertNever(value, 'cursor value');
  }
}

function lessThan(field: string, value: Scalar): Document | null {
  if (value === null) return null;
  switch (typeof value) {
    case 'number':
      return { $or: [{ [field]: { $lt: value } }, { [field]: { $eq: null } }] };
    case 'string':
      return {
        $or: [{ [field]: { $lt: value } }, { [field]: { $type: 'number' } }, { [field]: { $eq: null } }],
      };
    case 'boolean':
      return {
        $or: [
          { [field]: { $lt: value } },
          { [field]: { $type: ['number', 'string'] } },
          { [field]: { $eq: null } },
        ],
      };
    default:
      return assertNever(value, 'cursor value');
  }
}
