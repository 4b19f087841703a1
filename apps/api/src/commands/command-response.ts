import { ApiProperty } from '@nestjs/swagger';
import type { CommandResult } from '@qms/command-handling';
import type { FastifyReply } from 'fastify';

/** The consistency token every command returns. */
export class CommandResponse {
  @ApiProperty({ example: 'complaint-CC-2026-0001' }) streamId!: string;
  @ApiProperty({ description: 'Revision of the stream after the command; also the ETag' }) revision!: number;
  @ApiProperty({ description: 'Global position of the last event: pass as ?minPosition= to read your own write' })
  position!: number;
  @ApiProperty({ description: 'True when this is a retry answered from the first execution (Idempotency-Key)' })
  replayed!: boolean;
}

export function commandResponse(result: CommandResult, reply: FastifyReply, extra: Record<string, unknown> = {}) {
  void reply.header('ETag', `"${result.revision}"`);
  if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
  return { streamId: result.streamId, revision: result.revision, position: result.position, replayed: result.replayed, ...extra };
}

/** The answer of a complaint command: the consistency token and the complaint it acted on. */
export class ComplaintCommandResponse extends CommandResponse {
  @ApiProperty({ example: 'CC-2026-0001' }) complaintNumber!: string;
}

/** A reopening: the new complaint's number beside the original's. */
export class ReopenedComplaintResponse extends ComplaintCommandResponse {
  @ApiProperty({ example: 'CC-2026-0001-1', description: 'The number of the new complaint' }) reopenedAs!: string;
}

export class CustomerNotificationCommandResponse extends CommandResponse {
  @ApiProperty({ example: 'complaint-CC-2026-0001' }) notificationId!: string;
}
