import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandResult } from '@qms/command-handling';
import { COMPLAINT_COMMAND_ROLES, type ComplaintCommand } from '@qms/complaint-domain';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/auth.guard';
import { Ctx, type RequestContext } from '../auth/request-context';
import { ComplaintCommandResponse, commandResponse, ReopenedComplaintResponse } from '../commands/command-response';
import { CLOCK, type Clock } from '../infrastructure/tokens';
import { ComplaintStepCommand, RegisterComplaintCommand, ReopenComplaintCommand } from './complaint.commands';
import {
  ApproveDecisionDto,
  AssignComplaintDto,
  CloseComplaintDto,
  CommentDto,
  CompleteActionDto,
  CustomerReplyDto,
  DecideResponsibilityDto,
  OccurredAtDto,
  PlanCorrectiveActionDto,
  PlanPreventiveActionDto,
  ReasonDto,
  ReopenComplaintDto,
  RecordContainmentDto,
  RecordRootCauseDto,
  RegisterComplaintDto,
  VerifyActionDto,
} from './complaint.dto';

const roles = COMPLAINT_COMMAND_ROLES;

/** One endpoint per step of the 8D process (DESIGN §4). Every answer carries the consistency token. */
@ApiTags('complaints')
@ApiBearerAuth()
@Controller('complaints')
export class ComplaintsController {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.RegisterComplaint)
  @ApiOperation({
    summary: 'Register a complaint (§6.1); the number CC-<year>-<seq> is assigned gap-free',
    description: 'With an Idempotency-Key, exactly one record is created per key, however many requests run at once or are retried after a crash: every request with the same body answers with the first one\'s result (Idempotent-Replayed: true on the repeats); the same key with a different body answers 400 naming Idempotency-Key and creates nothing.',
  })
  async register(@Body() dto: RegisterComplaintDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const { occurredAt, ...rest } = dto;
    const data = { ...rest, occurredAt: occurredAt ?? this.now() } as RegisterComplaintCommand['data'];
    const result = await this.commandBus.execute<RegisterComplaintCommand, CommandResult>(new RegisterComplaintCommand(data, context));
    void reply.header('Location', `/complaints/${numberOf(result)}`);
    return commandResponse(result, reply, { complaintNumber: numberOf(result) });
  }

  @Post(':number/assignment')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.AssignComplaint)
  @ApiOperation({ summary: 'Assign to the responsible department' })
  assign(@Param('number') number: string, @Body() dto: AssignComplaintDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'AssignComplaint', dto, context, reply);
  }

  @Post(':number/containment')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.RecordContainment)
  @ApiOperation({ summary: 'Record the containment (interim action, D3)' })
  containment(@Param('number') number: string, @Body() dto: RecordContainmentDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'RecordContainment', dto, context, reply);
  }

  @Post(':number/root-cause')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.RecordRootCause)
  @ApiOperation({ summary: 'Record the root cause (5M1E category, 5-Why / Ishikawa) and the department explanation' })
  rootCause(@Param('number') number: string, @Body() dto: RecordRootCauseDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'RecordRootCause', dto, context, reply);
  }

  @Post(':number/responsibility')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.DecideResponsibility)
  @ApiOperation({ summary: 'Decide responsibility: ours, or not ours (sales explains, closes without actions)' })
  responsibility(@Param('number') number: string, @Body() dto: DecideResponsibilityDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'DecideResponsibility', dto, context, reply);
  }

  @Post(':number/corrective-actions')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.PlanCorrectiveAction)
  @ApiOperation({ summary: 'Plan a corrective action with similar products/processes and PFMEA/control-plan revisions (IATF 10.2.3)' })
  corrective(@Param('number') number: string, @Body() dto: PlanCorrectiveActionDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'PlanCorrectiveAction', dto, context, reply);
  }

  @Post(':number/preventive-actions')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.PlanPreventiveAction)
  @ApiOperation({ summary: 'Plan a preventive action' })
  preventive(@Param('number') number: string, @Body() dto: PlanPreventiveActionDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'PlanPreventiveAction', dto, context, reply);
  }

  @Post(':number/preventive-action-waiver')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.RequestPreventiveActionWaiver)
  @ApiOperation({ summary: 'Ask to waive preventive action, with the reason (§6.2.3)' })
  requestWaiver(@Param('number') number: string, @Body() dto: ReasonDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'RequestPreventiveActionWaiver', dto, context, reply);
  }

  @Post(':number/preventive-action-waiver/approval')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.ApprovePreventiveActionWaiver)
  @ApiOperation({ summary: 'Management approves the waiver' })
  approveWaiver(@Param('number') number: string, @Body() dto: CommentDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'ApprovePreventiveActionWaiver', dto, context, reply);
  }

  @Post(':number/preventive-action-waiver/rejection')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.RejectPreventiveActionWaiver)
  @ApiOperation({ summary: 'Management rejects the waiver' })
  rejectWaiver(@Param('number') number: string, @Body() dto: ReasonDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'RejectPreventiveActionWaiver', dto, context, reply);
  }

  @Post(':number/action-plan/submission')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.SubmitActionPlan)
  @ApiOperation({ summary: 'Submit the corrective/preventive action plan for the customer reply (the action-reply deadline step)' })
  submitPlan(@Param('number') number: string, @Body() dto: OccurredAtDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'SubmitActionPlan', dto, context, reply);
  }

  @Post(':number/actions/:actionId/completion')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.CompleteAction)
  @ApiOperation({ summary: 'The department reports an action completed' })
  complete(@Param('number') number: string, @Param('actionId') actionId: string, @Body() dto: CompleteActionDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'CompleteAction', { ...dto, actionId }, context, reply);
  }

  @Post(':number/actions/:actionId/verification')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.VerifyAction)
  @ApiOperation({ summary: 'Quality verifies an action: effective, or not (then a new due date: reschedule)' })
  verify(@Param('number') number: string, @Param('actionId') actionId: string, @Body() dto: VerifyActionDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'VerifyAction', { ...dto, actionId }, context, reply);
  }

  @Post(':number/8d-decision/approval')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.ApproveEightDDecision)
  @ApiOperation({ summary: 'Management approves the 8D decision (§6.2.6)' })
  approveDecision(@Param('number') number: string, @Body() dto: ApproveDecisionDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'ApproveEightDDecision', dto, context, reply);
  }

  @Post(':number/8d-decision/rejection')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.RejectEightDDecision)
  @ApiOperation({ summary: 'Management sends the 8D plan back' })
  rejectDecision(@Param('number') number: string, @Body() dto: ReasonDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'RejectEightDDecision', dto, context, reply);
  }

  @Post(':number/customer-reply')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.ReplyToCustomer)
  @ApiOperation({ summary: 'Sales replies to the customer with the approved decision' })
  customerReply(@Param('number') number: string, @Body() dto: CustomerReplyDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'ReplyToCustomer', dto, context, reply);
  }

  @Post(':number/closure')
  @HttpCode(200)
  @ApiOkResponse({ type: ComplaintCommandResponse })
  @Roles(...roles.CloseComplaint)
  @ApiOperation({ summary: 'Close: every action verified or waived, decision approved, customer replied' })
  close(@Param('number') number: string, @Body() dto: CloseComplaintDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.step(number, 'CloseComplaint', dto, context, reply);
  }

  @Post(':number/reopening')
  @HttpCode(201)
  @ApiCreatedResponse({ type: ReopenedComplaintResponse })
  @Roles(...roles.ReopenComplaint)
  @ApiOperation({ summary: 'The customer is not satisfied: open a new complaint numbered original + -n, linked both ways' })
  async reopen(@Param('number') number: string, @Body() dto: ReopenComplaintDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const { quantityAffected, lot, defectDescription, customerDeadline } = dto;
    const result = await this.commandBus.execute<ReopenComplaintCommand, CommandResult>(
      new ReopenComplaintCommand(number, dto.reason, dto.occurredAt ?? this.now(), context, {
        quantityAffected,
        lot,
        defectDescription,
        customerDeadline,
      }),
    );
    const state = result.state as { reopenedAs?: readonly string[] };
    const reopenedAs = state.reopenedAs?.at(-1);
    return commandResponse(result, reply, { complaintNumber: number, reopenedAs });
  }

  private async step<Dto extends { occurredAt?: string | null | undefined }>(number: string, type: ComplaintCommand['type'], dto: Dto, context: RequestContext, reply: FastifyReply) {
    const command = { type, data: { ...dto, complaintNumber: number, occurredAt: dto.occurredAt ?? this.now() } } as ComplaintCommand;
    const result = await this.commandBus.execute<ComplaintStepCommand, CommandResult>(new ComplaintStepCommand(number, command, context));
    return commandResponse(result, reply, { complaintNumber: number });
  }

  private now(): string {
    return this.clock().toISOString();
  }
}

function numberOf(result: CommandResult): string {
  return result.streamId.replace(/^complaint-/, '');
}
