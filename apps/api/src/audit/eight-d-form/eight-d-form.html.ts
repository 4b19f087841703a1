import { FORM_GRID_COLUMNS, type EightDForm, type FormBlock, type FormField } from '@qms/audit';
import { assertNever } from '@qms/domain-kernel';

/**
 * The 8D form as one self-contained printable page: inline CSS, A4 portrait, no script and no
 * external asset, so it prints the same from a browser, an e-mail or an archive.
 */
export function eightDFormHtml(form: EightDForm): string {
  return `<!DOCTYPE html>
<html lang="${form.lang}">
<head>
<meta charset="utf-8">
<title>${escape(`${form.complaintNumber} ${form.title}`)}</title>
<style>${STYLE}${pageBoxes(form)}</style>
</head>
<body>
<main class="sheet">
<header class="title">
<div><h1>${escape(form.title)}</h1><p class="subtitle">${escape(form.subtitle)}</p></div>
<div class="number">${escape(form.complaintNumber)}${form.asOf === null ? '' : `<span class="as-of">${escape(form.asOf)}</span>`}</div>
</header>
<table class="grid">${colgroup()}<tbody>${fieldRows(form.header)}</tbody></table>
${form.sections
  .map(
    (section) => `<section class="section" id="${section.id}">
<h2>${escape(section.title)}</h2>
${section.blocks.map(block).join('\n')}
</section>`,
  )
  .join('\n')}
<footer>${escape(form.footer)}</footer>
</main>
</body>
</html>
`;
}

function block(item: FormBlock): string {
  switch (item.kind) {
    case 'fields':
      return `<table class="grid">${colgroup()}<tbody>${fieldRows(item.fields)}</tbody></table>`;
    case 'text':
      return `<table class="grid">${colgroup()}<tbody><tr><th colspan="1">${escape(item.label)}</th><td colspan="${FORM_GRID_COLUMNS - 1}" class="long">${escape(item.value)}</td></tr></tbody></table>`;
    case 'table': {
      const head = item.columns.map((column) => `<th colspan="${column.span}">${escape(column.label)}</th>`).join('');
      const body =
        item.rows.length === 0
          ? `<tr><td colspan="${FORM_GRID_COLUMNS}" class="empty">${escape(item.empty)}</td></tr>`
          : item.rows
              .map((row) => `<tr>${row.map((cell, index) => `<td colspan="${item.columns[index]?.span ?? 1}" class="long">${escape(cell)}</td>`).join('')}</tr>`)
              .join('');
      const caption = item.caption === null ? '' : `<caption>${escape(item.caption)}</caption>`;
      return `<table class="grid list">${caption}${colgroup()}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
    }
    default:
      return assertNever(item, 'form block');
  }
}

/** Two label/value pairs to a line: label 1 column (the wider first and fifth), value 3 columns. */
function fieldRows(fields: readonly FormField[]): string {
  const rows: string[] = [];
  for (let index = 0; index < fields.length; index += 2) {
    const pair = fields.slice(index, index + 2);
    const cells = pair.map((field, position) => {
      const span = pair.length === 1 && position === 0 ? FORM_GRID_COLUMNS - 1 : FORM_GRID_COLUMNS / 2 - 1;
      return `<th>${escape(field.label)}</th><td colspan="${span}">${escape(field.value)}</td>`;
    });
    rows.push(`<tr>${cells.join('')}</tr>`);
  }
  return rows.join('');
}

/** The complaint number and page count at the foot of every printed page. */
function pageBoxes(form: EightDForm): string {
  const number = form.complaintNumber.replace(/["\\]/g, '');
  return `@page { @bottom-left { content: "${number}"; font-size: 7.5pt; color: #555; } @bottom-right { content: counter(page) " / " counter(pages); font-size: 7.5pt; color: #555; } }`;
}

function colgroup(): string {
  return `<colgroup>${'<col>'.repeat(FORM_GRID_COLUMNS)}</colgroup>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `
@page { size: A4 portrait; margin: 12mm 11mm 14mm; }
* { box-sizing: border-box; }
html { background: #e9ecef; }
body { margin: 0; font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", "Droid Sans Fallback", Arial, sans-serif; font-size: 9pt; color: #111; }
.sheet { width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 12mm 11mm 14mm; background: #fff; box-shadow: 0 0 4mm rgba(0,0,0,.15); }
@media print { html { background: none; } .sheet { margin: 0; padding: 0 0.5mm 0 0; width: auto; min-height: 0; box-shadow: none; } }
.title { display: flex; justify-content: space-between; align-items: flex-end; border-bottom: 2px solid #111; padding-bottom: 2mm; margin-bottom: 2mm; }
h1 { font-size: 15pt; margin: 0; letter-spacing: .5pt; }
.subtitle { margin: 1mm 0 0; color: #444; font-size: 9pt; }
.number { font-size: 13pt; font-weight: bold; border: 1.5px solid #111; padding: 1.5mm 3mm; text-align: right; }
.as-of { display: block; font-size: 8pt; font-weight: normal; color: #a00; }
.section { margin-top: 2.5mm; }
h2 { break-after: avoid; font-size: 10pt; margin: 0; padding: 1.2mm 2mm; background: #1f3864; color: #fff; border: 1px solid #1f3864; }
table.grid { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.grid col { width: 11.33%; }
table.grid col:nth-child(4n + 1) { width: 16%; }
table.list col, table.list col:nth-child(4n + 1) { width: 12.5%; }
th, td { border: 1px solid #555; padding: 1mm 1.5mm; vertical-align: top; text-align: left; overflow-wrap: break-word; }
th { background: #f0f2f5; font-weight: bold; }
table.list thead th { background: #d9e1f2; }
caption { text-align: left; font-weight: bold; padding: 1.2mm 2mm; background: #f0f2f5; border: 1px solid #555; border-bottom: none; caption-side: top; }
td.long { white-space: pre-wrap; }
td.empty { color: #777; text-align: center; }
tr, caption { break-inside: avoid; }
caption, thead { break-after: avoid; }
thead { display: table-header-group; }
footer { margin-top: 3mm; font-size: 7.5pt; color: #555; text-align: right; }
`;
