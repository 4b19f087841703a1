import type ExcelJS from 'exceljs';

let loaded: typeof ExcelJS | undefined;

/**
 * exceljs, loaded with the first workbook asked for: about 7 MiB of heap and 27 MiB of resident
 * memory that an API nobody exports from does not need.
 */
export function excel(): typeof ExcelJS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous load on first use
  loaded ??= require('exceljs') as typeof ExcelJS;
  return loaded;
}
