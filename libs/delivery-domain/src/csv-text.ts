import { Transform, type TransformCallback } from 'node:stream';
import * as iconv from 'iconv-lite';

/*
 * The bytes of an uploaded CSV become text here. Chinese Excel saves CSV in GB18030/GBK unless
 * told otherwise, and that must be declared (Content-Type charset, CLI --encoding): guessing an
 * encoding is how garbage gets into an append-only store. Undeclared text must be UTF-8 (a BOM is
 * fine); the first line that is not is named, and nothing after it is read.
 */

export const CSV_ENCODINGS = ['utf-8', 'gb18030', 'gbk'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** The encoding a charset label names, or undefined when it is not one this import reads. */
export function csvEncodingOf(label: string | undefined): CsvEncoding | undefined {
  const name = (label ?? 'utf-8').trim().toLowerCase().replace(/^"|"$/g, '');
  if (name === 'utf-8' || name === 'utf8') return 'utf-8';
  if (name === 'gb18030') return 'gb18030';
  if (name === 'gbk' || name === 'gb2312' || name === 'cp936') return 'gbk';
  return undefined;
}

export interface CsvTextProblem {
  readonly lineNumber: number;
  readonly message: string;
}

/**
 * Decodes whole lines at a time (no GBK or GB18030 trail byte and no UTF-8 continuation byte is a
 * line feed, so a line is always a whole number of characters) and stops at the first bad line.
 */
export class CsvTextDecoder extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private linesDone = 0;
  private first = true;
  problem: CsvTextProblem | null = null;

  constructor(private readonly encoding: CsvEncoding) {
    super({ readableObjectMode: false, decodeStrings: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.problem !== null) return done();
    const bytes = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const end = bytes.lastIndexOf(0x0a) + 1;
    this.pending = bytes.subarray(end);
    this.emitLines(bytes.subarray(0, end));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.problem === null && this.pending.length > 0) this.emitLines(this.pending);
    done();
  }

  private emitLines(bytes: Buffer): void {
    if (bytes.length === 0) return;
    let text = this.decode(bytes);
    if (text === null) {
      const bad = this.firstBadLine(bytes);
      this.problem = {
        lineNumber: this.linesDone + bad,
        message:
          this.encoding === 'utf-8'
            ? 'this line is not valid UTF-8; the rest of the file was not read. A file saved by Chinese Excel is GB18030: send it with Content-Type: text/csv; charset=gb18030 (CLI: --encoding gb18030), or save it as "CSV UTF-8"'
            : `this line is not valid ${this.encoding.toUpperCase()}; the rest of the file was not read`,
      };
      const goodEnd = this.offsetOfLine(bytes, bad);
      if (goodEnd > 0) this.emitLines(bytes.subarray(0, goodEnd));
      this.push(null);
      return;
    }
    if (this.first) {
      this.first = false;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    this.linesDone += countLineFeeds(bytes);
    this.push(text, 'utf8');
  }

  private decode(bytes: Buffer): string | null {
    if (this.encoding === 'utf-8') {
      try {
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
      } catch {
        return null;
      }
    }
    // iconv-lite replaces what it cannot read with U+FFFD; a real GB18030 file never contains one.
    const text = iconv.decode(bytes, this.encoding, { stripBOM: false });
    return text.includes('\uFFFD') ? null : text;
  }

  /** 1-based line (within `bytes`) of the first line that does not decode. */
  private firstBadLine(bytes: Buffer): number {
    let line = 1;
    let start = 0;
    for (let index = 0; index <= bytes.length; index += 1) {
      if (index === bytes.length || bytes[index] === 0x0a) {
        if (this.decode(bytes.subarray(start, index)) === null) return line;
        line += 1;
        start = index + 1;
      }
    }
    return line;
  }

  private offsetOfLine(bytes: Buffer, line: number): number {
    let offset = 0;
    for (let seen = 1; seen < line; seen += 1) offset = bytes.indexOf(0x0a, offset) + 1;
    return offset;
  }
}

function countLineFeeds(bytes: Buffer): number {
  let count = 0;
  for (let index = bytes.indexOf(0x0a); index !== -1; index = bytes.indexOf(0x0a, index + 1)) count += 1;
  return count;
}
