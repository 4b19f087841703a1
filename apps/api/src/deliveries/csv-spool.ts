import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CsvSource } from './delivery-importer';

/**
 * An uploaded body can be read once, but an all-or-nothing import reads the file twice (check,
 * then import): the upload is streamed to a temporary file, never held in memory.
 */
export async function withSpooledUpload<Result>(
  body: Readable,
  use: (source: CsvSource) => Promise<Result>,
): Promise<Result> {
  const folder = await mkdtemp(join(tmpdir(), 'qms-delivery-import-'));
  try {
    const path = join(folder, 'upload.csv');
    await pipeline(body, createWriteStream(path));
    return await use(() => createReadStream(path));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
