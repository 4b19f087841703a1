import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type ChainBreak, type StoreVerification, verifyStore, verifyStream } from '@qms/audit';
import { NotFoundError, ValidationError } from '@qms/domain-kernel';
import { EVENT_STORE, type EventStore } from '@qms/event-store';
import { Roles } from '../../auth/auth.guard';
import { AUDIT_READERS, STORE_VERIFIERS } from '../audit-roles';
import { complaintStream } from '../audit-trail';
import { ApiJsonOk } from '../../http/response-schemas';
import { StoreVerificationAnswer, StreamVerificationAnswer } from '../audit.answers';

export interface StreamVerificationView {
  readonly streamId: string;
  readonly ok: boolean;
  readonly eventCount: number;
  readonly lastRevision: number;
  /** Kept outside the hash chain by design (idempotency records): only revisions were checked. */
  readonly unchained: boolean;
  /** The first event whose link does not hold; later events are not trusted either. */
  readonly firstBadEvent: Omit<ChainBreak, 'streamId'> | null;
}

/**
 * DESIGN §9 tamper evidence: every event's hash covers its content and the hash before it, so a
 * verification proves a stream unaltered or names the first bad event.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class VerifyController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('streams/:streamId/verify')
  @ApiJsonOk(StreamVerificationAnswer)
  @Roles(...AUDIT_READERS)
  @ApiOperation({ summary: 'Verify the hash chain of one stream: ok, or the first bad event (revision, id, reason)' })
  stream(@Param('streamId') streamId: string): Promise<StreamVerificationView> {
    return this.verifyOne(streamId);
  }

  @Get('complaints/:number/verify')
  @ApiJsonOk(StreamVerificationAnswer)
  @Roles(...AUDIT_READERS)
  @ApiOperation({ summary: 'Verify the hash chain of one complaint' })
  complaint(@Param('number') number: string): Promise<StreamVerificationView> {
    return this.verifyOne(complaintStream(number));
  }

  @Post('verify')
  @HttpCode(200)
  @ApiJsonOk(StoreVerificationAnswer)
  @Roles(...STORE_VERIFIERS)
  @ApiOperation({
    summary: 'Verify every stream in one pass over the global log, up to the head at the start',
    description: 'Reports the first bad event of every tampered stream. For progress on a large store use the CLI: `npm run cli -- verify`.',
  })
  all(): Promise<StoreVerification> {
    return verifyStore(this.store);
  }

  private async verifyOne(streamId: string): Promise<StreamVerificationView> {
    if (streamId === '' || streamId.startsWith('$')) throw ValidationError.field('streamId', 'must be non-empty and must not start with "$"');
    const result = await verifyStream(this.store, streamId);
    if (result.eventsChecked === 0) throw new NotFoundError(`Stream ${streamId} has no events.`);
    const first = result.breaks[0];
    return {
      streamId,
      ok: result.ok,
      eventCount: result.eventsChecked,
      lastRevision: result.lastRevision,
      unchained: result.unchainedStreams > 0,
      firstBadEvent: first ? { revision: first.revision, eventId: first.eventId, ...(first.position !== undefined ? { position: first.position } : {}), reason: first.reason } : null,
    };
  }
}
