import type { SortDirection } from '../read-store.port';

/**
 * Sort keys as strings whose plain JavaScript order (`<`, UTF-16 units) is the order MongoDB gives
 * the values: missing/null < numbers < strings (by code point) < objects < arrays < booleans,
 * each component asc or desc, then the `_id`. Indexes sort, merge and binary-search these with
 * native string comparison, which is what makes 100,000-document lists fast.
 *
 * Every component is prefix-free (no encoding is a proper prefix of another), so components can
 * be concatenated and a descending one is the ascending one with every unit inverted.
 */

const TAG_NULL = 1;
const TAG_NUMBER = 2;
const TAG_STRING = 3;
const TAG_OBJECT = 4;
const TAG_ARRAY = 5;
const TAG_BOOLEAN = 6;

/** Units that need rewriting: the two escape units, and those whose code-point order differs. */
const SPECIAL = /[\u0000\u0001\ud800-\uffff]/;
const STRING_END = '\u0000';

const numberView = new DataView(new ArrayBuffer(8));

export function encodeComponent(value: unknown, direction: SortDirection): string {
  const encoded = encodeAscending(value);
  return direction === 'asc' ? encoded : invert(encoded);
}

/** The id as the last component, always ascending. */
export function encodeId(id: string): string {
  return encodeString(id);
}

/** Start of the region of a value type (by its rank in values.ts), for ranges open on one side. */
export function typeStart(rank: number, direction: SortDirection): string {
  const tag = String.fromCharCode(rank + 1);
  return direction === 'asc' ? tag : invert(tag);
}

/** Start of the region after a value type, in the index's direction. */
export function typeEnd(rank: number, direction: SortDirection): string {
  return direction === 'asc' ? String.fromCharCode(rank + 2) : String.fromCharCode(0xffff - rank);
}

function encodeAscending(value: unknown): string {
  if (value === undefined || value === null) return String.fromCharCode(TAG_NULL);
  switch (typeof value) {
    case 'number':
      return String.fromCharCode(TAG_NUMBER) + encodeNumber(value);
    case 'string':
      return String.fromCharCode(TAG_STRING) + encodeString(value);
    case 'boolean':
      return String.fromCharCode(TAG_BOOLEAN, value ? 1 : 0);
    default:
      // Not meant as sort keys; a fixed order keeps results deterministic.
      return (
        String.fromCharCode(Array.isArray(value) ? TAG_ARRAY : TAG_OBJECT) +
        encodeString(JSON.stringify(value))
      );
  }
}

/** IEEE 754 bits made order-preserving: positives get the sign bit set, negatives are inverted. */
function encodeNumber(value: number): string {
  numberView.setFloat64(0, value === 0 ? 0 : value);
  const negative = numberView.getUint16(0) & 0x8000;
  const units = [
    numberView.getUint16(0),
    numberView.getUint16(2),
    numberView.getUint16(4),
    numberView.getUint16(6),
  ];
  for (let i = 0; i < 4; i++) {
    const unit = units[i] as number;
    units[i] = negative ? ~unit & 0xffff : i === 0 ? unit | 0x8000 : unit;
  }
  return String.fromCharCode(...units);
}

/**
 * Units in code-point order (surrogates after U+E000..U+FFFF), units 0 and 1 escaped as (1, u),
 * then the terminator 0, which sorts before any continuation.
 */
function encodeString(value: string): string {
  if (!SPECIAL.test(value)) return value + STRING_END;
  const units: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 2) units.push(1, unit);
    else if (unit >= 0xd800 && unit <= 0xdfff) units.push(unit + 0x2000);
    else if (unit >= 0xe000) units.push(unit - 0x800);
    else units.push(unit);
  }
  return fromUnits(units) + STRING_END;
}

function invert(encoded: string): string {
  const units = new Array<number>(encoded.length);
  for (let i = 0; i < encoded.length; i++) units[i] = 0xffff - encoded.charCodeAt(i);
  return fromUnits(units);
}

function fromUnits(units: readonly number[]): string {
  let text = '';
  // Chunked: spreading a long array into one call can overflow the stack.
  for (let start = 0; start < units.length; start += 4096) {
    text += String.fromCharCode(...units.slice(start, start + 4096));
  }
  return text;
}
