import { type CsvError, parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import type { RecordDelivery } from './commands';
import { isCalendarDate, parseInstant } from '@qms/domain-kernel';

/*
 * Bulk deliveries from an ERP export (DESIGN §6). Streams: one row is parsed, checked and handed
 * on at a time, so a year of deliveries never sits in memory. Every row is judged on its own and
 * reported with the line number an editor shows for it, so one bad line does not hide the others.
 */

export const DELIVERY_CSV_COLUMNS = [
  'customer_id',
  'order_no',
  'line_no',
  'part_no',
  'quantity',
  'promised_date',
  'delivered_at',
  'premium_freight',
] as const;
type Column = (typeof DELIVERY_CSV_COLUMNS)[number];

export type DeliveryCsvRow =
  | { readonly lineNumber: number; readonly delivery: RecordDelivery }
  | { readonly lineNumber: number; readonly errors: readonly string[] };

export interface DeliveryCsvOptions {
  /** delivered_at after this instant is refused: nothing can have been delivered in the future. */
  readonly now: Date;
  readonly delimiter?: string;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', '']);

export async function* parseDeliveryCsv(
  input: Readable,
  options: DeliveryCsvOptions,
): AsyncGenerator<DeliveryCsvRow> {
  // Unreadable records are skipped and reported in line order, instead of an error that would
  // end the stream and drop the rows parsed but not yet consumed.
  const unreadable: { lineNumber: number; errors: string[] }[] = [];
  let lastParsedLine = 0;
  const parser = input.pipe(
    parse({
      bom: true,
      delimiter: options.delimiter ?? ',',
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_record: (record, context) => {
        lastParsedLine = context.lines;
        return record;
      },
      on_skip: (error) => {
        unreadable.push({ lineNumber: lastParsedLine + 1, errors: [describeCsvError(error)] });
      },
    }),
  );
  input.on('error', (error) => parser.destroy(error));

  let header: HeaderMap | null = null;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    const lineNumber = firstLineOf(record, info.lines);
    for (let next = unreadable[0]; next !== undefined && next.lineNumber < lineNumber; next = unreadable[0]) {
      unreadable.shift();
      yield next;
    }
    if (header === null) {
      const read = readHeader(record);
      if ('errors' in read) {
        yield { lineNumber, errors: read.errors };
        parser.destroy();
        return;
      }
      header = read;
      continue;
    }
    if (record.every((field) => field.trim() === '')) continue;
    yield parseRow(record, header, lineNumber, options.now);
  }
  yield* unreadable;
  if (header === null && unreadable.length === 0) {
    yield {
      lineNumber: 1,
      errors: [`the file is empty: expected a header row with ${DELIVERY_CSV_COLUMNS.join(', ')}`],
    };
  }
}

function describeCsvError(error: CsvError | undefined): string {
  if (error?.code === 'CSV_QUOTE_NOT_CLOSED')
    return 'a quote opened on this line is never closed; the rest of the file was not read';
  return `unreadable CSV record${error ? ` (${error.message})` : ''}`;
}

type HeaderMap = { readonly indexOf: Readonly<Record<Column, number>>; readonly width: number };

function readHeader(record: readonly string[]): HeaderMap | { errors: string[] } {
  const names = record.map((name) =>
    name
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
  const errors: string[] = [];
  const indexOf = {} as Record<Column, number>;
  for (const column of DELIVERY_CSV_COLUMNS) {
    const positions = names.flatMap((name, index) => (name === column ? [index] : []));
    if (positions.length === 0) errors.push(`header: missing column ${column}`);
    if (positions.length > 1) errors.push(`header: column ${column} appears ${positions.length} times`);
    indexOf[column] = positions[0] ?? -1;
  }
  return errors.length > 0 ? { errors } : { indexOf, width: record.length };
}

/** csv-parse reports the line a record ends on; quoted fields may span lines. */
function firstLineOf(record: readonly string[], lastLine: number): number {
  const breaks = record.reduce((sum, field) => sum + (field.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
  return lastLine - breaks;
}

function parseRow(
  record: readonly string[],
  header: HeaderMap,
  lineNumber: number,
  now: Date,
): DeliveryCsvRow {
  const errors: string[] = [];
  if (record.length !== header.width) errors.push(`expected ${header.width} fields, found ${record.length}`);
  const value = (column: Column): string => (record[header.indexOf[column]] ?? '').trim();
  const required = (column: Column): string => {
    const text = value(column);
    if (text === '') errors.push(`${column}: is required`);
    return text;
  };

  const customerId = required('customer_id');
  const orderNo = required('order_no');
  const lineNo = required('line_no');
  const partNo = required('part_no');

  const quantityText = required('quantity');
  const quantity = Number(quantityText);
  if (
    quantityText !== '' &&
    (!/^\d+$/.test(quantityText) || !Number.isSafeInteger(quantity) || quantity <= 0)
  ) {
    errors.push(`quantity: "${quantityText}" is not a positive integer`);
  }

  const promisedDate = required('promised_date');
  if (promisedDate !== '' && !isCalendarDate(promisedDate))
    errors.push(`promised_date: "${promisedDate}" is not a date YYYY-MM-DD`);

  const deliveredText = required('delivered_at');
  // ERP exports often write a space between date and time.
  const deliveredAt = parseInstant(deliveredText.replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, '$1T'));
  if (deliveredText !== '' && deliveredAt === null) {
    errors.push(`delivered_at: "${deliveredText}" is not a date-time with offset, e.g. 2026-03-05T08:30:00Z`);
  } else if (deliveredAt !== null && deliveredAt.getTime() > now.getTime()) {
    errors.push(`delivered_at: ${deliveredText} is in the future (now is ${now.toISOString()})`);
  }

  const freightText = value('premium_freight').toLowerCase();
  if (!TRUE_WORDS.has(freightText) && !FALSE_WORDS.has(freightText)) {
    errors.push(
      `premium_freight: "${value('premium_freight')}" is not one of true/false, yes/no, y/n, 1/0 or empty`,
    );
  }

  if (errors.length > 0 || deliveredAt === null) return { lineNumber, errors };
  return {
    lineNumber,
    delivery: {
      type: 'RecordDelivery',
      customerId,
      orderNo,
      lineNo,
      partNo,
      quantity,
      promisedDate,
      deliveredAt: deliveredAt.toISOString(),
      premiumFreight: TRUE_WORDS.has(freightText),
    },
  };
}
