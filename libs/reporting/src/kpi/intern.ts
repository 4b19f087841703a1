/**
 * One shared copy of a value drawn from a small set — a user id, a department, an enum value, a
 * month — for the documents the embedded mode keeps in process. Every decoded event brings its
 * own copy of each string, and V8 shares only the shortest ones, so without this an owner such as
 * 'assembly.engineer' was held once per action of every complaint.
 *
 * Only for fields of few distinct values: the table keeps what it is given, up to a bound past
 * which values are passed through as they are (still correct, just not shared).
 */
const MAX_INTERNED = 50_000;
const interned = new Map<string, string>();

export function intern<T extends string | null>(value: T): T {
  if (value === null) return value;
  const known = interned.get(value);
  if (known !== undefined) return known as T;
  if (interned.size < MAX_INTERNED) interned.set(value, value);
  return value;
}
