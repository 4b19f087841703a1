import { type CsvError, parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import type { RecordDelivery } from './commands';
import { dateProblem, instantProblem, MAX_QUANTITY, parseInstant, textProblem } from '@qms/domain-kernel';
import { type CsvEncoding, CsvTextDecoder } from './csv-text';

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

/** The headers Chinese ERP exports and hand-made sheets use (the seed procedures' wording first). */
export const DELIVERY_CSV_CHINESE_HEADERS: Readonly<Record<Column, readonly string[]>> = {
  customer_id: ['客户', '客户代码', '客户编号'],
  order_no: ['订单号', '销售订单号', '订单编号'],
  line_no: ['行号', '订单行号', '项次'],
  part_no: ['料号', '零件号', '物料号', '产品料号'],
  quantity: ['数量', '交货数量', '发货数量'],
  promised_date: ['承诺交期', '承诺日期', '交期'],
  delivered_at: ['实际交货时间', '交货时间', '实际交货日期'],
  premium_freight: ['加急运费', '是否加急', '额外运费'],
};

/** A local date-time without an offset: Excel writes none, and the policy's zone says which instant it is. */
export type LocalTimeToInstant = (wall: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}) => Date;

export type DeliveryCsvRow =
  | { readonly lineNumber: number; readonly delivery: RecordDelivery }
  | { readonly lineNumber: number; readonly errors: readonly string[] };

export interface DeliveryCsvOptions {
  /** delivered_at after this instant is refused: nothing can have been delivered in the future. */
  readonly now: Date;
  readonly delimiter?: string;
  /** Declared by the sender; undeclared text must be UTF-8 (with or without a BOM). */
  readonly encoding?: CsvEncoding;
  /** Reads delivered_at written without an offset (2026-11-05 14:00); without it such values are refused. */
  readonly localTime?: LocalTimeToInstant;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', '是']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', '', '否']);

export async function* parseDeliveryCsv(
  input: Readable,
  options: DeliveryCsvOptions,
): AsyncGenerator<DeliveryCsvRow> {
  // Unreadable records are skipped and reported in line order, instead of an error that would
  // end the stream and drop the rows parsed but not yet consumed.
  const unreadable: { lineNumber: number; errors: string[] }[] = [];
  let lastParsedLine = 0;
  const text = new CsvTextDecoder(options.encoding ?? 'utf-8');
  input.on('error', (error) => text.destroy(error));
  const parser = input.pipe(text).pipe(
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
  text.on('error', (error) => parser.destroy(error));

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
    yield parseRow(record, header, lineNumber, options);
  }
  yield* unreadable;
  if (text.problem !== null) {
    yield { lineNumber: text.problem.lineNumber, errors: [text.problem.message] };
    return;
  }
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

type HeaderMap = {
  readonly indexOf: Readonly<Record<Column, number>>;
  /** The column as the file names it, for messages: 数量 (quantity), or quantity. */
  readonly label: Readonly<Record<Column, string>>;
  readonly width: number;
};

const normalise = (name: string): string =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

function columnOf(name: string): Column | undefined {
  const key = normalise(name);
  return DELIVERY_CSV_COLUMNS.find(
    (column) => column === key || DELIVERY_CSV_CHINESE_HEADERS[column].includes(name.trim()),
  );
}

/** The accepted headers in both languages, for a refusal. */
export function acceptedDeliveryHeaders(): string {
  return DELIVERY_CSV_COLUMNS.map((column) => `${column} / ${DELIVERY_CSV_CHINESE_HEADERS[column].join(' / ')}`).join('; ');
}

function readHeader(record: readonly string[]): HeaderMap | { errors: string[] } {
  const columns = record.map(columnOf);
  const errors: string[] = [];
  const indexOf = {} as Record<Column, number>;
  const label = {} as Record<Column, string>;
  for (const column of DELIVERY_CSV_COLUMNS) {
    const positions = columns.flatMap((found, index) => (found === column ? [index] : []));
    if (positions.length === 0) errors.push(`header: missing column ${column}`);
    if (positions.length > 1) errors.push(`header: column ${column} appears ${positions.length} times`);
    indexOf[column] = positions[0] ?? -1;
    const written = (record[positions[0] ?? -1] ?? column).trim();
    label[column] = normalise(written) === column ? column : `${written} (${column})`;
  }
  if (errors.some((error) => error.startsWith('header: missing'))) {
    const unknown = record.filter((name, index) => columns[index] === undefined && name.trim() !== '');
    if (unknown.length > 0) errors.push(`header: not recognised: ${unknown.map((name) => `"${name.trim()}"`).join(', ')}`);
    errors.push(`header: accepted columns are ${acceptedDeliveryHeaders()}`);
  }
  return errors.length > 0 ? { errors } : { indexOf, label, width: record.length };
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
  options: DeliveryCsvOptions,
): DeliveryCsvRow {
  const errors: string[] = [];
  if (record.length !== header.width) errors.push(`expected ${header.width} fields, found ${record.length}`);
  const value = (column: Column): string => (record[header.indexOf[column]] ?? '').trim();
  const fail = (column: Column, message: string) => errors.push(`${header.label[column]}: ${message}`);
  const required = (column: Column): string => {
    const text = value(column);
    if (text === '') fail(column, 'is required');
    const problem = textProblem(text);
    if (problem !== null) fail(column, problem);
    return text;
  };

  const customerId = required('customer_id');
  const orderNo = required('order_no');
  const lineNo = required('line_no');
  const partNo = required('part_no');

  const quantityText = required('quantity');
  const quantity = readQuantity(quantityText);
  if (quantityText !== '' && quantity === null) {
    const over = /^[\d,]+$/.test(quantityText) && Number(quantityText.replace(/,/g, '')) > MAX_QUANTITY;
    fail('quantity', `"${quantityText}" ${over ? `is more than ${MAX_QUANTITY}` : 'is not a positive integer'}`);
  }

  const promisedText = required('promised_date');
  const promisedDate = excelDate(promisedText);
  if (promisedText !== '' && promisedDate === null) {
    fail('promised_date', `"${promisedText}" is not a date YYYY-MM-DD or YYYY/M/D`);
  } else if (promisedDate !== null && dateProblem(promisedDate) !== null) {
    fail('promised_date', dateProblem(promisedDate) ?? '');
  }

  const deliveredText = required('delivered_at');
  const delivered = deliveredText === '' ? null : readDeliveredAt(deliveredText, options.localTime);
  if (delivered !== null && 'problem' in delivered) {
    fail('delivered_at', delivered.problem);
  } else if (delivered !== null && delivered.instant.getTime() > options.now.getTime()) {
    fail('delivered_at', `${deliveredText} is in the future (now is ${options.now.toISOString()})`);
  }

  const freightText = value('premium_freight').toLowerCase();
  if (!TRUE_WORDS.has(freightText) && !FALSE_WORDS.has(freightText)) {
    fail('premium_freight', `"${value('premium_freight')}" is not one of true/false, yes/no, y/n, 1/0, 是/否 or empty`);
  }

  if (errors.length > 0 || delivered === null || 'problem' in delivered || quantity === null || promisedDate === null)
    return { lineNumber, errors };
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
      deliveredAt: delivered.instant.toISOString(),
      premiumFreight: TRUE_WORDS.has(freightText),
    },
  };
}

/** 1500, or 1,500 as Excel formats it with a thousands separator. */
function readQuantity(text: string): number | null {
  if (!/^\d+$/.test(text) && !/^\d{1,3}(,\d{3})+$/.test(text)) return null;
  const quantity = Number(text.replace(/,/g, ''));
  return Number.isSafeInteger(quantity) && quantity > 0 && quantity <= MAX_QUANTITY ? quantity : null;
}

const EXCEL_DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;

/** 2026-11-05, 2026/11/5 or 2026.11.5 as YYYY-MM-DD (not checked against the calendar). */
function excelDate(text: string): string | null {
  const match = EXCEL_DATE.exec(text);
  if (match === null) return null;
  return `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
}

const LOCAL_DATE_TIME = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/**
 * An instant with an offset as it is; a local date-time as Excel writes it (2026-11-05 14:00,
 * 2026/11/5 14:00) in the policy's time zone.
 */
function readDeliveredAt(
  text: string,
  localTime: LocalTimeToInstant | undefined,
): { instant: Date } | { problem: string } {
  const local = LOCAL_DATE_TIME.exec(text);
  if (local === null) {
    // ERP exports often write a space between date and time.
    const iso = text.replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, '$1T');
    const instant = parseInstant(iso);
    if (instant !== null) return { instant };
    const problem = /[T ]\d/.test(text) ? instantProblem(iso) : null;
    return {
      problem: `"${text}" is not a date-time such as 2026-11-05 14:00 (local time) or 2026-11-05T14:00:00+08:00${problem === null || problem.startsWith('must') ? '' : ` (${problem})`}`,
    };
  }
  const [year, month, day, hour, minute, second] = local.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const date = `${local[1]}-${local[2]!.padStart(2, '0')}-${local[3]!.padStart(2, '0')}`;
  const problem = dateProblem(date) ?? (hour > 23 || minute > 59 || second > 59 ? `${local[4]}:${local[5]} is not a time of day` : null);
  if (problem !== null) return { problem: `"${text}": ${problem}` };
  if (localTime === undefined) return { problem: `"${text}" has no offset and no time zone is configured; add one, e.g. +08:00` };
  return { instant: localTime({ year, month, day, hour, minute, second }) };
}
