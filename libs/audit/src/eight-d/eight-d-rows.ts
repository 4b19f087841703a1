import type { EightDReport } from './eight-d-report';

export interface EightDRow {
  readonly discipline: string;
  readonly title: string;
  /** e.g. `containments 1` for the first containment; empty for a field of the discipline itself. */
  readonly item: string;
  readonly field: string;
  readonly value: string;
}

export const DISCIPLINES = ['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8'] as const;

/**
 * The report as rows of a sheet (one fact per row), in D0–D8 order, so a spreadsheet shows the
 * same content as the JSON export without nesting.
 */
export function eightDRows(report: EightDReport): EightDRow[] {
  const rows: EightDRow[] = [];
  for (const discipline of DISCIPLINES) {
    const { title, ...section } = report[discipline];
    const emit = (item: string, field: string, value: unknown): void => {
      rows.push({ discipline, title, item, field, value: cell(value) });
    };
    for (const [key, value] of Object.entries(section)) {
      if (Array.isArray(value) && value.some(isPlainObject)) {
        value.forEach((entry, index) => flattenInto(entry, '', (field, leaf) => emit(`${key} ${index + 1}`, field, leaf)));
      } else if (isPlainObject(value) && !isActor(value)) {
        flattenInto(value, '', (field, leaf) => emit(key, field, leaf));
      } else {
        emit('', key, value);
      }
    }
  }
  return rows;
}

function flattenInto(value: unknown, prefix: string, emit: (field: string, value: unknown) => void): void {
  if (!isPlainObject(value) || isActor(value)) {
    emit(prefix, value);
    return;
  }
  for (const [key, entry] of Object.entries(value)) flattenInto(entry, prefix === '' ? key : `${prefix}.${key}`, emit);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cell).join(', ');
  if (isActor(value)) return `${String(value['userId'])} (${[value['role'], value['department']].filter(Boolean).join(', ')})`;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An actor reads better as one cell: `dev.quality (quality)`. */
function isActor(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && typeof value['userId'] === 'string' && typeof value['role'] === 'string' && !('steps' in value);
}
