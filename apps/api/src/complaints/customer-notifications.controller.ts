import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandResult } from '@qms/command-handling';
import { COMPLAINT_COMMAND_ROLES, NOTIFICATION_KINDS, SPECIAL_STATUSES } from '@qms/complaint-domain';
import { IsIn, ValidateIf } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Roles } from '../auth/auth.guard';
import { Ctx, type RequestContext } from '../auth/request-context';
import { CustomerNotificationCommandResponse, commandResponse } from '../commands/command-response';
import { Instant, OccurredAt, OneOf, OptionalText, Text } from '../http/dto-validators';
import { CLOCK, type Clock } from '../infrastructure/tokens';
import { CustomerNotificationStepCommand } from './complaint.commands';
import { IdempotencyRecords } from '@qms/command-handling';

export class RecordCustomerNotificationDto {
  @Text(100, 'ACME') customerId!: string;
  @OneOf(NOTIFICATION_KINDS) kind!: string;
  @ApiPropertyOptional({ type: 'string', enum: SPECIAL_STATUSES, nullable: true })
  @ValidateIf((dto: RecordCustomerNotificationDto) => dto.kind === 'special_status' || (dto.specialStatus ?? null) !== null)
  @IsIn(SPECIAL_STATUSES)
  specialStatus?: string | null;
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
  constructor(
    private readonly commandBus: CommandBus,
    private readonly idempotency: IdempotencyRecords,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CustomerNotificationCommandResponse })
  @Roles(...COMPLAINT_COMMAND_ROLES.RecordCustomerNotification)
  @ApiOperation({ summary: 'Record a customer notification or special status (e.g. controlled shipping, new-business hold)' })
  async record(@Body() dto: RecordCustomerNotificationDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const earlier = context.idempotencyKey ? await this.idempotency.find(context.actor, context.idempotencyKey) : undefined;
    const notificationId = earlier?.replace(/^customer-notification-/, '') ?? randomUUID();
    const data = { ...dto, notificationId, occurredAt: dto.occurredAt ?? this.clock().toISOString() };
    const result = await this.commandBus.execute<CustomerNotificationStepCommand, CommandResult>(
      new CustomerNotificationStepCommand(notificationId, { type: 'RecordCustomerNotification', data } as never, context),
    );
    if (context.idempotencyKey && !earlier) await this.idempotency.remember(context.actor, context.idempotencyKey, result.streamId);
    return commandResponse(result, reply, { notificationId });
  }

  @Post(':notificationId/end')
  @HttpCode(200)
  @ApiOkResponse({ type: CustomerNotificationCommandResponse })
  @Roles(...COMPLAINT_COMMAND_ROLES.EndCustomerNotification)
  @ApiOperation({ summary: 'The customer lifted a special status' })
  async end(@Param('notificationId') notificationId: string, @Body() dto: EndCustomerNotificationDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const data = { ...dto, notificationId, occurredAt: dto.occurredAt ?? this.clock().toISOString() };
    const result = await this.commandBus.execute<CustomerNotificationStepCommand, CommandResult>(
      new CustomerNotificationStepCommand(notificationId, { type: 'EndCustomerNotification', data } as never, context),
    );
    return commandResponse(result, reply, { notificationId });
  }
}
