import type ExcelJS from 'exceljs';
import { excel } from '../../infrastructure/excel';
import { FORM_GRID_COLUMNS, type EightDForm, type FormBlock, type FormField } from '@qms/audit';
import { assertNever } from '@qms/domain-kernel';

/** Character widths of the eight grid columns A–H: about 100 characters across A4 portrait. */
const COLUMN_WIDTHS = [14, 12, 12, 12, 14, 12, 12, 12] as const;
const LINE_HEIGHT = 12.5;
/** Printable height of an A4 page in row points, at the margins below, less a little for scaling. */
const PAGE_HEIGHT = 740;
const NAVY = 'FF1F3864';
const LABEL_FILL = 'FFF0F2F5';
const HEAD_FILL = 'FFD9E1F2';
export const EIGHT_D_FORM_SHEET = '8D';

/**
 * The 8D form as a workbook laid out like the paper form: one sheet, A4 portrait fitted to the
 * page width, the title rows repeated on every page, merged cells and borders.
 */
export async function eightDFormWorkbook(form: EightDForm): Promise<Buffer> {
  return Buffer.from(await eightDFormSheet(form).workbook.xlsx.writeBuffer());
}

/** The workbook before it is written, for the page layout to be inspected. */
export function eightDFormSheet(form: EightDForm): ExcelJS.Worksheet {
  const workbook = new (excel().Workbook)();
  workbook.title = `${form.complaintNumber} ${form.title}`;
  const sheet = workbook.addWorksheet(EIGHT_D_FORM_SHEET, { views: [{ showGridLines: false }] });
  const font = { name: form.lang === 'zh-CN' ? 'Microsoft YaHei' : 'Arial', size: 9 };
  sheet.columns = COLUMN_WIDTHS.map((width) => ({ width, style: { font, alignment: { vertical: 'top', wrapText: true } } }));
  const writer = new FormWriter(sheet, font);

  writer.title(form);
  writer.fields(form.header);
  for (const section of form.sections) {
    writer.sectionTitle(section.title);
    for (const item of section.blocks) writer.block(item);
  }
  writer.footer(form.footer);
  writer.keepSectionsTogether();

  sheet.pageSetup = {
    paperSize: 9,
    orientation: 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.2, footer: 0.25 },
    printArea: `A1:H${writer.lastRow}`,
    printTitlesRow: '1:2',
  };
  sheet.headerFooter = { oddFooter: `&L${form.complaintNumber}&C&P / &N&R${form.footer}` };
  return sheet;
}

class FormWriter {
  lastRow = 0;
  /** First row (the gap above the title) of each section. */
  private readonly sectionStarts: number[] = [];

  constructor(
    private readonly sheet: ExcelJS.Worksheet,
    private readonly font: Partial<ExcelJS.Font>,
  ) {}

  title(form: EightDForm): void {
    const top = this.next();
    this.put(top, 1, 6, form.title, { font: { ...this.font, size: 15, bold: true }, alignment: { vertical: 'middle' } });
    this.put(top, 7, 8, form.complaintNumber, {
      font: { ...this.font, size: 13, bold: true },
      alignment: { horizontal: 'right', vertical: 'middle' },
      border: box('medium'),
    });
    this.sheet.getRow(top).height = 26;
    const sub = this.next();
    this.put(sub, 1, 6, form.subtitle, { font: { ...this.font, color: { argb: 'FF444444' } } });
    this.put(sub, 7, 8, form.asOf ?? '', { font: { ...this.font, color: { argb: 'FFAA0000' } }, alignment: { horizontal: 'right' } });
    for (let column = 1; column <= FORM_GRID_COLUMNS; column += 1) {
      this.sheet.getCell(sub, column).border = { ...this.sheet.getCell(sub, column).border, bottom: { style: 'medium' } };
    }
  }

  sectionTitle(text: string): void {
    this.sectionStarts.push(this.next()); // a thin gap between sections, as on the paper form
    this.sheet.getRow(this.lastRow).height = 5;
    const row = this.next();
    this.put(row, 1, FORM_GRID_COLUMNS, text, {
      font: { ...this.font, size: 10, bold: true, color: { argb: 'FFFFFFFF' } },
      fill: solid(NAVY),
      alignment: { vertical: 'middle' },
      border: box('thin'),
    });
    this.sheet.getRow(row).height = 16;
  }

  block(item: FormBlock): void {
    switch (item.kind) {
      case 'fields':
        this.fields(item.fields);
        return;
      case 'text': {
        const row = this.next();
        this.label(row, 1, 1, item.label);
        this.value(row, 2, FORM_GRID_COLUMNS, item.value);
        this.fitHeight(row, [[item.label, 1, 1], [item.value, 2, FORM_GRID_COLUMNS]]);
        return;
      }
      case 'table': {
        if (item.caption !== null) {
          const row = this.next();
          this.put(row, 1, FORM_GRID_COLUMNS, item.caption, { font: { ...this.font, bold: true }, fill: solid(LABEL_FILL), border: box('thin') });
        }
        const head = this.next();
        let column = 1;
        const spans: [number, number][] = item.columns.map((entry) => {
          const span: [number, number] = [column, column + entry.span - 1];
          column += entry.span;
          return span;
        });
        item.columns.forEach((entry, index) => {
          const [from, to] = spans[index] ?? [1, 1];
          this.put(head, from, to, entry.label, { font: { ...this.font, bold: true }, fill: solid(HEAD_FILL), border: box('thin') });
        });
        this.fitHeight(head, item.columns.map((entry, index) => [entry.label, ...(spans[index] ?? [1, 1])]));
        if (item.rows.length === 0) {
          const row = this.next();
          this.put(row, 1, FORM_GRID_COLUMNS, item.empty, { font: { ...this.font, color: { argb: 'FF777777' } }, alignment: { horizontal: 'center' }, border: box('thin') });
          return;
        }
        for (const cells of item.rows) {
          const row = this.next();
          cells.forEach((cell, index) => this.value(row, ...(spans[index] ?? [1, 1]), cell));
          this.fitHeight(row, cells.map((cell, index) => [cell, ...(spans[index] ?? [1, 1])]));
        }
        return;
      }
      default:
        assertNever(item, 'form block');
    }
  }

  /** Two label/value pairs to a line: label 1 column, value 3 columns. */
  fields(fields: readonly FormField[]): void {
    for (let index = 0; index < fields.length; index += 2) {
      const row = this.next();
      const pair = fields.slice(index, index + 2);
      const placed: [string, number, number][] = [];
      pair.forEach((field, position) => {
        const start = position * (FORM_GRID_COLUMNS / 2) + 1;
        const end = pair.length === 1 ? FORM_GRID_COLUMNS : start + FORM_GRID_COLUMNS / 2 - 1;
        this.label(row, start, start, field.label);
        this.value(row, start + 1, end, field.value);
        placed.push([field.label, start, start], [field.value, start + 1, end]);
      });
      this.fitHeight(row, placed);
    }
  }

  footer(text: string): void {
    this.next();
    const row = this.next();
    this.put(row, 1, FORM_GRID_COLUMNS, text, { font: { ...this.font, size: 8, color: { argb: 'FF555555' } }, alignment: { horizontal: 'right' } });
  }

  /**
   * A section that would start near the foot of a page and run onto the next starts on the next
   * page instead, as a person laying out the paper form would do; a section longer than a page
   * still breaks where it must.
   */
  keepSectionsTogether(): void {
    const height = (row: number): number => this.sheet.getRow(row).height ?? 15;
    const sum = (from: number, to: number): number => {
      let total = 0;
      for (let row = from; row <= to; row += 1) total += height(row);
      return total;
    };
    const repeated = sum(1, 2);
    let used = repeated;
    this.sectionStarts.forEach((start, index) => {
      const end = (this.sectionStarts[index + 1] ?? this.lastRow + 1) - 1;
      const size = sum(start, end);
      if (used + size > PAGE_HEIGHT && size <= PAGE_HEIGHT - repeated && start > 3) {
        this.sheet.getRow(start - 1).addPageBreak();
        used = repeated + size;
        return;
      }
      used += size;
      while (used > PAGE_HEIGHT) used -= PAGE_HEIGHT - repeated;
    });
  }

  private next(): number {
    this.lastRow += 1;
    return this.lastRow;
  }

  private label(row: number, from: number, to: number, text: string): void {
    this.put(row, from, to, text, { font: { ...this.font, bold: true }, fill: solid(LABEL_FILL), border: box('thin') });
  }

  private value(row: number, from: number, to: number, text: string): void {
    this.put(row, from, to, text, { border: box('thin') });
  }

  private put(row: number, from: number, to: number, text: string, style: Partial<ExcelJS.Style>): void {
    if (to > from) this.sheet.mergeCells(row, from, row, to);
    for (let column = from; column <= to; column += 1) {
      const cell = this.sheet.getCell(row, column);
      if (style.border) cell.border = style.border;
      if (style.fill) cell.fill = style.fill;
    }
    const cell = this.sheet.getCell(row, from);
    cell.value = text;
    cell.font = style.font ?? this.font;
    cell.alignment = { vertical: 'top', wrapText: true, ...style.alignment };
  }

  /** Excel does not grow merged rows to their text: the height is set from the longest cell. */
  private fitHeight(row: number, cells: readonly (readonly [string, number, number])[]): void {
    const lines = Math.max(
      1,
      ...cells.map(([text, from, to]) => {
        const width = COLUMN_WIDTHS.slice(from - 1, to).reduce((sum, each) => sum + each, 0) - 2;
        return text.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil(displayWidth(line) / width)), 0);
      }),
    );
    this.sheet.getRow(row).height = lines * LINE_HEIGHT + 3;
  }
}

/** Chinese characters take two character widths. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u1100-\uFFFF]/.test(char) ? 2.2 : 1.1;
  return width;
}

function box(style: ExcelJS.BorderStyle): Partial<ExcelJS.Borders> {
  const side = { style };
  return { top: side, left: side, bottom: side, right: side };
}

function solid(argb: string): ExcelJS.Fill {
  return { type: 'pattern', pattern: 'solid', fgColor: { argb } };
}
