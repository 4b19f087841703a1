import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as iconv from 'iconv-lite';
import { type DeliveryCsvOptions, type DeliveryCsvRow, parseDeliveryCsv } from './delivery-csv';

const NOW = new Date('2026-03-10T00:00:00Z');
const HEADER = 'customer_id,order_no,line_no,part_no,quantity,promised_date,delivered_at,premium_freight';

async function collect(input: Readable, now = NOW): Promise<DeliveryCsvRow[]> {
  const rows: DeliveryCsvRow[] = [];
  for await (const row of parseDeliveryCsv(input, { now })) rows.push(row);
  return rows;
}

const fromText = (text: string) => Readable.from([Buffer.from(text, 'utf8')]);

describe('parseDeliveryCsv', () => {
  it('names every bad line of an ERP export (BOM, CRLF, blank line, extra column) and keeps the good ones', async () => {
    const rows = await collect(createReadStream(join(__dirname, 'fixtures', 'deliveries-bad-rows.csv')));

    const bad = rows.filter((row) => 'errors' in row);
    expect(bad.map((row) => row.lineNumber)).toEqual([3, 4, 6, 8, 9, 10, 11, 12]);
    const errorsAt = (line: number) => rows.find((row) => row.lineNumber === line && 'errors' in row);
    expect(errorsAt(3)).toEqual({ lineNumber: 3, errors: ['quantity: "0" is not a positive integer'] });
    expect(errorsAt(4)).toEqual({ lineNumber: 4, errors: ['quantity: "12.5" is not a positive integer'] });
    expect(errorsAt(6)).toEqual({
      lineNumber: 6,
      errors: ['promised_date: 2026-02-30: day 30 does not exist in 2026-02'],
    });
    expect(errorsAt(8)).toEqual({ lineNumber: 8, errors: ['customer_id: is required'] });
    expect(errorsAt(9)).toEqual({
      lineNumber: 9,
      errors: ['delivered_at: 2026-04-01T00:00:00Z is in the future (now is 2026-03-10T00:00:00.000Z)'],
    });
    expect(errorsAt(10)).toEqual({
      lineNumber: 10,
      errors: [
        'delivered_at: "2026-03-08" is not a date-time such as 2026-11-05 14:00 (local time) or 2026-11-05T14:00:00+08:00',
        'premium_freight: "maybe" is not one of true/false, yes/no, y/n, 1/0, 是/否 or empty',
      ],
    });
    expect(errorsAt(11)).toEqual({
      lineNumber: 11,
      errors: ['expected 9 fields, found 6', 'delivered_at: is required'],
    });
    expect(errorsAt(12)).toEqual({ lineNumber: 12, errors: ['quantity: "-3" is not a positive integer'] });

    expect(rows.filter((row) => 'delivery' in row)).toEqual([
      {
        lineNumber: 2,
        delivery: {
          type: 'RecordDelivery',
          customerId: 'CUST-A',
          orderNo: 'SO-1001',
          lineNo: '10',
          partNo: 'P-100',
          quantity: 500,
          promisedDate: '2026-03-05',
          deliveredAt: '2026-03-05T06:00:00.000Z',
          premiumFreight: false,
        },
      },
      {
        lineNumber: 7,
        delivery: {
          type: 'RecordDelivery',
          customerId: 'CUST-B',
          orderNo: 'SO-1003',
          lineNo: '10',
          partNo: 'P-202',
          quantity: 40,
          promisedDate: '2026-03-07',
          deliveredAt: '2026-03-07T06:00:00.000Z',
          premiumFreight: true,
        },
      },
    ]);
  });

  it('reads columns by name, in any order, with tolerant header spelling', async () => {
    const text =
      'Premium Freight;DELIVERED_AT;promised-date;quantity;part_no;line_no;order_no;customer_id\n' +
      'true;2026-03-01T00:00:00+01:00;2026-03-01;3;P;1;O;C\n';
    const rows: DeliveryCsvRow[] = [];
    for await (const row of parseDeliveryCsv(fromText(text), { now: NOW, delimiter: ';' })) rows.push(row);
    expect(rows).toEqual([
      {
        lineNumber: 2,
        delivery: expect.objectContaining({
          customerId: 'C',
          orderNo: 'O',
          lineNo: '1',
          quantity: 3,
          deliveredAt: '2026-02-28T23:00:00.000Z',
          premiumFreight: true,
        }),
      },
    ]);
  });

  it('reports the line a record starts on when a quoted field spans lines', async () => {
    const text = `${HEADER},remark\nC,O,1,P,1,2026-03-01,2026-03-01T00:00:00Z,,"two\nlines"\nC,O,2,P,0,2026-03-01,2026-03-01T00:00:00Z,,x\n`;
    const rows = await collect(fromText(text));
    expect(rows.map((row) => [row.lineNumber, 'errors' in row])).toEqual([
      [2, false],
      [4, true],
    ]);
  });

  it('streams input split anywhere, even inside a line', async () => {
    const text = `${HEADER}\nC,O,1,P,7,2026-03-01,2026-03-01T00:00:00Z,no\nC,O,2,P,8,2026-03-01,2026-03-01T00:00:00Z,no\n`;
    const chunks = text.match(/[\s\S]{1,5}/g) ?? [];
    const rows = await collect(Readable.from(chunks.map((chunk) => Buffer.from(chunk))));
    expect(rows.map((row) => ('delivery' in row ? row.delivery.quantity : null))).toEqual([7, 8]);
  });

  it('skips rows whose fields are all blank (spreadsheet leftovers)', async () => {
    const rows = await collect(fromText(`${HEADER}\n,,,,,,,\nC,O,1,P,7,2026-03-01,2026-03-01T00:00:00Z,\n`));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.lineNumber).toBe(3);
  });

  it('stops at a header missing required columns', async () => {
    const rows = await collect(fromText('customer_id,order_no,order_no,quantity\nC,O,O,1\n'));
    expect(rows).toEqual([
      {
        lineNumber: 1,
        errors: [
          'header: column order_no appears 2 times',
          'header: missing column line_no',
          'header: missing column part_no',
          'header: missing column promised_date',
          'header: missing column delivered_at',
          'header: missing column premium_freight',
          expect.stringMatching(/^header: accepted columns are customer_id \/ 客户 .*; quantity \/ 数量 /),
        ],
      },
    ]);
    const duplicate = await collect(fromText(`${HEADER},quantity\n`));
    expect(duplicate).toEqual([{ lineNumber: 1, errors: ['header: column quantity appears 2 times'] }]);
  });

  it('reports an empty file', async () => {
    expect(await collect(fromText(''))).toEqual([
      { lineNumber: 1, errors: [expect.stringMatching(/the file is empty/)] },
    ]);
  });

  it('reports an unclosed quote on its line, after the rows before it', async () => {
    const text = `${HEADER}\nC,O,1,P,7,2026-03-01,2026-03-01T00:00:00Z,\nC,O,2,"P,7,2026-03-01,2026-03-01T00:00:00Z,\nC,O,3,P,7,2026-03-01,2026-03-01T00:00:00Z,\n`;
    const rows = await collect(fromText(text));
    expect(rows[0]).toMatchObject({ lineNumber: 2, delivery: expect.anything() });
    expect(rows[1]).toEqual({
      lineNumber: 3,
      errors: ['a quote opened on this line is never closed; the rest of the file was not read'],
    });
    expect(rows).toHaveLength(2);
  });

  describe('what Chinese Excel writes', () => {
    const CHINESE_HEADER = '客户,订单号,行号,料号,数量,承诺交期,实际交货时间,加急运费';
    // Shanghai has no daylight saving time: a local wall time is UTC+8.
    const shanghai: DeliveryCsvOptions['localTime'] = (wall) =>
      new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour - 8, wall.minute, wall.second));
    const parse = async (input: Readable, options: Partial<DeliveryCsvOptions> = {}) => {
      const rows: DeliveryCsvRow[] = [];
      for await (const row of parseDeliveryCsv(input, { now: NOW, localTime: shanghai, ...options })) rows.push(row);
      return rows;
    };

    it('reads a GBK file with Chinese headers and Excel-style values when the encoding is declared', async () => {
      const text = `${CHINESE_HEADER}\r\n上海汽车,SO-1,10,P-1,"1,500",2026/3/5,2026-03-05 14:00,否\r\n`;
      for (const encoding of ['gbk', 'gb18030'] as const) {
        const rows = await parse(Readable.from([iconv.encode(text, 'gbk')]), { encoding });
        expect(rows).toEqual([
          {
            lineNumber: 2,
            delivery: {
              type: 'RecordDelivery',
              customerId: '上海汽车',
              orderNo: 'SO-1',
              lineNo: '10',
              partNo: 'P-1',
              quantity: 1500,
              promisedDate: '2026-03-05',
              deliveredAt: '2026-03-05T06:00:00.000Z',
              premiumFreight: false,
            },
          },
        ]);
      }
    });

    it('refuses undeclared GBK as not UTF-8, naming the first bad line, and reads nothing after it', async () => {
      const text = `${HEADER}\nACME,SO-1,10,P-1,5,2026-03-05,2026-03-05T06:00:00Z,no\n上海汽车,SO-1,20,P-1,5,2026-03-05,2026-03-05T06:00:00Z,no\nACME,SO-1,30,P-1,5,2026-03-05,2026-03-05T06:00:00Z,no\n`;
      const rows = await parse(Readable.from([iconv.encode(text, 'gbk')]));
      expect(rows.map((row) => row.lineNumber)).toEqual([2, 3]);
      expect(rows[1]).toEqual({ lineNumber: 3, errors: [expect.stringMatching(/^this line is not valid UTF-8.*charset=gb18030/)] });
    });

    it('accepts a UTF-8 BOM and Chinese headers in UTF-8, split anywhere', async () => {
      const bytes = Buffer.from(`\uFEFF${CHINESE_HEADER}\n客户甲,SO-2,1,P-2,7,2026-11-05,2026-03-05T08:00:00+08:00,是\n`);
      const chunks = [...Array(Math.ceil(bytes.length / 3)).keys()].map((index) => bytes.subarray(index * 3, index * 3 + 3));
      const rows = await parse(Readable.from(chunks));
      expect(rows).toEqual([{ lineNumber: 2, delivery: expect.objectContaining({ customerId: '客户甲', premiumFreight: true }) }]);
    });

    it('names the column as the file writes it and refuses impossible Excel values', async () => {
      const text = `${CHINESE_HEADER}\n甲,SO-3,1,P,"1,50",2026/2/30,2026-03-05 25:00,\n甲,SO-3,2,P,2000000000,2026-03-05,2026/3/5 9:00,\n`;
      const rows = await parse(fromText(text));
      expect(rows).toEqual([
        {
          lineNumber: 2,
          errors: [
            '数量 (quantity): "1,50" is not a positive integer',
            '承诺交期 (promised_date): 2026-02-30: day 30 does not exist in 2026-02',
            '实际交货时间 (delivered_at): "2026-03-05 25:00": 25:00 is not a time of day',
          ],
        },
        { lineNumber: 3, errors: ['数量 (quantity): "2000000000" is more than 1000000000'] },
      ]);
    });

    it('refuses a local date-time when no time zone is configured', async () => {
      const rows = await parse(fromText(`${HEADER}\nC,O,1,P,1,2026-03-01,2026-03-01 08:00,\n`), { localTime: undefined });
      expect(rows).toEqual([{ lineNumber: 2, errors: [expect.stringMatching(/no offset and no time zone/)] }]);
    });

    it('names unrecognised headers and the accepted ones in both languages', async () => {
      const rows = await parse(fromText('顾客,订单号,行号,料号,数量,承诺交期,实际交货时间,加急运费\n'));
      expect(rows).toEqual([
        {
          lineNumber: 1,
          errors: [
            'header: missing column customer_id',
            'header: not recognised: "顾客"',
            expect.stringMatching(/^header: accepted columns are customer_id \/ 客户 \/ 客户代码/),
          ],
        },
      ]);
    });
  });
});
