import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandResult } from '@qms/command-handling';
import { RETURN_COMMAND_ROLES, type ReceivedReturnState, type ReturnCommand } from '@qms/return-domain';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/auth.guard';
import { Ctx, type RequestContext } from '../auth/request-context';
import { CommandResponse, commandResponse } from '../commands/command-response';
import { PositiveIntParam } from '../http/positive-int-param';
import { ReceiveReturnCommand, ReturnStepCommand } from './return.commands';
import {
  ArchiveFailureAnalysisDto,
  CheckStockDto,
  CompleteReworkDto,
  ConfirmStockDto,
  CreditReturnDto,
  DispositionReturnItemDto,
  InspectReturnDto,
  IssueReworkOrderDto,
  ReceiveReturnDto,
  RequestEmergencyProductionDto,
} from './return.dto';

const roles = RETURN_COMMAND_ROLES;

/**
 * One endpoint per step of a returned shipment (DESIGN §5, procedure §7): the warehouse counts,
 * quality inspects and decides, planning issues rework orders and emergency production, sales
 * credits. Every answer carries the consistency token.
 */
@ApiTags('returns')
@ApiBearerAuth()
@Controller('returns')
export class ReturnsController {
  constructor(
    private readonly commandBus: CommandBus,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles(...roles.ReceiveReturn)
  @ApiOperation({
    summary: 'Receive returned goods: the warehouse counts items and writes the receiving note (§7.2)',
    description: 'With an Idempotency-Key, exactly one record is created per key, however many requests run at once or are retried after a crash: every request with the same body answers with the first one\'s result (Idempotent-Replayed: true on the repeats); the same key with a different body answers 400 naming Idempotency-Key and creates nothing.',
  })
  @ApiCreatedResponse({ type: CommandResponse, description: 'Also returnId; Location /returns/<returnId>' })
  async receive(
    @Body() dto: ReceiveReturnDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.commandBus.execute<ReceiveReturnCommand, CommandResult & { readonly id: string }>(
      new ReceiveReturnCommand((returnId) => ({ ...dto, type: 'ReceiveReturn', returnId }), context),
    );
    void reply.header('Location', `/returns/${result.id}`);
    return commandResponse(result, reply, { returnId: result.id });
  }

  @Post(':returnId/inspection')
  @HttpCode(200)
  @Roles(...roles.InspectReturn)
  @ApiOperation({
    summary:
      'Quality confirms the defective quantity per item and the responsibility; none defective = no trouble found (IATF 10.2.5)',
  })
  @ApiOkResponse({ type: CommandResponse })
  inspect(
    @Param('returnId') returnId: string,
    @Body() dto: InspectReturnDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.step(returnId, { ...dto, type: 'InspectReturn', returnId } as ReturnCommand, context, reply);
  }

  @Post(':returnId/dispositions')
  @HttpCode(201)
  @Roles(...roles.DispositionReturnItem)
  @ApiOperation({
    summary:
      'Disposition pieces of an item: rework, scrap, use as is (with concession), sort, return to customer',
  })
  @ApiCreatedResponse({
    type: CommandResponse,
    description: 'Also dispositionNo, to which rework orders refer',
  })
  async disposition(
    @Param('returnId') returnId: string,
    @Body() dto: DispositionReturnItemDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.execute(
      returnId,
      { ...dto, type: 'DispositionReturnItem', returnId } as ReturnCommand,
      context,
    );
    const dispositions = (result.state as ReceivedReturnState).dispositions;
    return commandResponse(result, reply, { returnId, dispositionNo: dispositions.at(-1)?.dispositionNo });
  }

  @Post(':returnId/dispositions/:dispositionNo/rework-order')
  @HttpCode(200)
  @Roles(...roles.IssueReworkOrder)
  @ApiOperation({ summary: 'Planning opens the rework order (重工工令) for a rework disposition' })
  @ApiOkResponse({ type: CommandResponse })
  reworkOrder(
    @Param('returnId') returnId: string,
    @Param('dispositionNo', PositiveIntParam) dispositionNo: number,
    @Body() dto: IssueReworkOrderDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.step(
      returnId,
      { ...dto, type: 'IssueReworkOrder', returnId, dispositionNo },
      context,
      reply,
    );
  }

  @Post(':returnId/dispositions/:dispositionNo/rework-completion')
  @HttpCode(200)
  @Roles(...roles.CompleteRework)
  @ApiOperation({ summary: 'Rework done: passed + failed must equal the quantity sent to rework' })
  @ApiOkResponse({ type: CommandResponse })
  reworkCompletion(
    @Param('returnId') returnId: string,
    @Param('dispositionNo', PositiveIntParam) dispositionNo: number,
    @Body() dto: CompleteReworkDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.step(
      returnId,
      { ...dto, type: 'CompleteRework', returnId, dispositionNo },
      context,
      reply,
    );
  }

  @Post(':returnId/failure-analysis')
  @HttpCode(200)
  @Roles(...roles.ArchiveFailureAnalysis)
  @ApiOperation({ summary: 'Archive the failure analysis and pass it to engineering (§7.3–7.4)' })
  @ApiOkResponse({ type: CommandResponse })
  failureAnalysis(
    @Param('returnId') returnId: string,
    @Body() dto: ArchiveFailureAnalysisDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.step(
      returnId,
      { ...dto, type: 'ArchiveFailureAnalysis', returnId },
      context,
      reply,
    );
  }

  @Post(':returnId/stock-checks')
  @HttpCode(200)
  @Roles(...roles.CheckStock)
  @ApiOperation({ summary: 'Planning counts stock available to replace the returned material (§6.1.5)' })
  @ApiOkResponse({ type: CommandResponse })
  checkStock(
    @Param('returnId') returnId: string,
    @Body() dto: CheckStockDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.step(returnId, { ...dto, type: 'CheckStock', returnId }, context, reply);
  }

  @Post(':returnId/stock-confirmations')
  @HttpCode(200)
  @Roles(...roles.ConfirmStock)
  @ApiOperation({
    summary: 'Quality confirms how much of the counted stock is usable; the rest is the shortage',
  })
  @ApiOkResponse({ type: CommandResponse })
  confirmStock(
    @Param('returnId') returnId: string,
    @Body() dto: ConfirmStockDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.step(returnId, { ...dto, type: 'ConfirmStock', returnId }, context, reply);
  }

  @Post(':returnId/emergency-production')
  @HttpCode(200)
  @Roles(...roles.RequestEmergencyProduction)
  @ApiOperation({ summary: 'Planning requests emergency production for a confirmed shortage (§6.2.5)' })
  @ApiOkResponse({ type: CommandResponse })
  emergencyProduction(
    @Param('returnId') returnId: string,
    @Body() dto: RequestEmergencyProductionDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.step(
      returnId,
      { ...dto, type: 'RequestEmergencyProduction', returnId },
      context,
      reply,
    );
  }

  @Post(':returnId/credit')
  @HttpCode(200)
  @Roles(...roles.CreditReturn)
  @ApiOperation({ summary: 'Credit the customer, only after inspection and archived analysis (IATF 10.2.6)' })
  @ApiOkResponse({ type: CommandResponse })
  credit(
    @Param('returnId') returnId: string,
    @Body() dto: CreditReturnDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.step(returnId, { ...dto, type: 'CreditReturn', returnId }, context, reply);
  }

  private async step(returnId: string, command: ReturnCommand, context: RequestContext, reply: FastifyReply) {
    return commandResponse(await this.execute(returnId, command, context), reply, { returnId });
  }

  private execute(returnId: string, command: ReturnCommand, context: RequestContext): Promise<CommandResult> {
    return this.commandBus.execute<ReturnStepCommand, CommandResult>(
      new ReturnStepCommand(returnId, command, context),
    );
  }
}
