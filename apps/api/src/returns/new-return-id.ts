import type { IdempotencyRecords } from '@qms/command-handling';
import { RETURN_STREAM_PREFIX, returnStreamId } from '@qms/return-domain';
import { randomUUID } from 'node:crypto';
import { ValidationError } from '@qms/domain-kernel';
import type { RequestContext } from '../auth/request-context';

/**
 * The id of a new return. With an Idempotency-Key the id is remembered before the receipt is
 * appended, so a retry after a crash between the two reaches the same return instead of creating
 * a second one; reading the record back after writing it lets two concurrent requests with the
 * same key agree on the first id recorded.
 */
export async function newReturnId(idempotency: IdempotencyRecords, context: RequestContext): Promise<string> {
  const { actor, idempotencyKey } = context;
  if (idempotencyKey === undefined) return randomUUID();
  const earlier = await idempotency.find(actor, idempotencyKey);
  if (earlier !== undefined) return returnIdOf(earlier);
  await idempotency.remember(actor, idempotencyKey, returnStreamId(randomUUID()));
  const agreed = await idempotency.find(actor, idempotencyKey);
  if (agreed === undefined) throw new Error('The idempotency record just written cannot be read back.');
  return returnIdOf(agreed);
}

function returnIdOf(streamId: string): string {
  if (!streamId.startsWith(RETURN_STREAM_PREFIX)) {
    throw ValidationError.field(
      'Idempotency-Key',
      'was already used for a different request; use a new key for a new request',
    );
  }
  return streamId.slice(RETURN_STREAM_PREFIX.length);
}
