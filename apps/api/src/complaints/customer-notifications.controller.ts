import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandResult } from '@qms/command-handling';
import {
  COMPLAINT_COMMAND_ROLES,
  customerNotificationStreamId,
  NOTIFICATION_KINDS,
  type NotificationKind,
  SPECIAL_STATUSES,
  type SpecialStatus,
} from '@qms/complaint-domain';
import { IsIn, ValidateIf } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/auth.guard';
import { Ctx, type RequestContext } from '../auth/request-context';
import { CustomerNotificationCommandResponse, commandResponse } from '../commands/command-response';
import { Instant, OccurredAt, OneOf, OptionalText, Text } from '../http/dto-validators';
import { EndCustomerNotificationCommand, RecordCustomerNotificationCommand } from './complaint.commands';

export class RecordCustomerNotificationDto {
  @Text(100, 'ACME') customerId!: string;
  @OneOf(NOTIFICATION_KINDS) kind!: NotificationKind;
  @ApiPropertyOptional({ type: 'string', enum: SPECIAL_STATUSES, nullable: true })
  @ValidateIf((dto: RecordCustomerNotificationDto) => dto.kind === 'special_status' || (dto.specialStatus ?? null) !== null)
  @IsIn(SPECIAL_STATUSES)
  specialStatus?: SpecialStatus | null;
  @Text(4000) description!: string;
  @Instant('When the customer notification was received') receivedAt!: string;
  @OptionalText(40) complaintNumber?: string | null;
  @OccurredAt() occurredAt?: string;
}

export class EndCustomerNotificationDto {
  @OptionalText(4000) remarks?: string | null;
  @OccurredAt() occurredAt?: string;
}

/** Customer notifications about quality or delivery and special statuses (IATF 9.1.2.1 d). */
@ApiTags('customer notifications')
@ApiBearerAuth()
@Controller('customer-notifications')
export class CustomerNotificationsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CustomerNotificationCommandResponse })
  @Roles(...COMPLAINT_COMMAND_ROLES.RecordCustomerNotification)
  @ApiOperation({
    summary: 'Record a customer notification or special status (e.g. controlled shipping, new-business hold)',
    description: 'With an Idempotency-Key, exactly one record is created per key, however many requests run at once or are retried after a crash: every request with the same body answers with the first one\'s result (Idempotent-Replayed: true on the repeats); the same key with a different body answers 400 naming Idempotency-Key and creates nothing.',
  })
  async record(@Body() dto: RecordCustomerNotificationDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.commandBus.execute<RecordCustomerNotificationCommand, CommandResult>(
      new RecordCustomerNotificationCommand(
        {
          customerId: dto.customerId,
          kind: dto.kind,
          specialStatus: dto.specialStatus ?? null,
          description: dto.description,
          receivedAt: dto.receivedAt,
          complaintNumber: dto.complaintNumber ?? null,
          ...(dto.occurredAt !== undefined ? { occurredAt: dto.occurredAt } : {}),
        },
        context,
      ),
    );
    return commandResponse(result, reply, { notificationId: result.streamId.slice(customerNotificationStreamId('').length) });
  }

  @Post(':notificationId/end')
  @HttpCode(200)
  @ApiOkResponse({ type: CustomerNotificationCommandResponse })
  @Roles(...COMPLAINT_COMMAND_ROLES.EndCustomerNotification)
  @ApiOperation({ summary: 'The customer lifted a special status' })
  async end(@Param('notificationId') notificationId: string, @Body() dto: EndCustomerNotificationDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.commandBus.execute<EndCustomerNotificationCommand, CommandResult>(
      new EndCustomerNotificationCommand(
        notificationId,
        { remarks: dto.remarks ?? null, ...(dto.occurredAt !== undefined ? { occurredAt: dto.occurredAt } : {}) },
        context,
      ),
    );
    return commandResponse(result, reply, { notificationId });
  }
}
