import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandResult } from '@qms/command-handling';
import { ValidationError } from '@qms/domain-kernel';
import {
  type IssuedSurveyState,
  SURVEY_COMMAND_ROLES,
  type SurveyCommand,
  surveyPeriodsOfYear,
} from '@qms/survey-domain';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/auth.guard';
import { Ctx, type RequestContext } from '../auth/request-context';
import { CommandResponse, commandResponse } from '../commands/command-response';
import { SURVEY_POLICY, type SurveyPolicy } from '../config/survey-policy';
import { PositiveIntParam } from '../http/positive-int-param';
import { SurveyStepCommand } from './survey.commands';
import {
  ApproveCountermeasureDto,
  AssignCountermeasureDto,
  CloseSurveyPeriodDto,
  CorrectSurveyResponseDto,
  IssueSurveyDto,
  RecordSurveyResponseDto,
  SurveyCalendarQueryDto,
} from './survey.dto';

const roles = SURVEY_COMMAND_ROLES;

/**
 * Satisfaction surveys (DESIGN §7, procedure §5.2), one stream per period `<year>-<code>` of the
 * survey calendar (QMS_POLICY_FILE surveys.calendar; half-yearly by default). The customer list
 * with relationship starts comes with the issue request, or from surveys.customers of the policy
 * file when the request names none; the domain excludes customers of less than a year.
 */
@ApiTags('surveys')
@ApiBearerAuth()
@Controller('surveys')
export class SurveysController {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(SURVEY_POLICY) private readonly policy: SurveyPolicy,
  ) {}

  @Get('calendar')
  @ApiOperation({
    summary: 'The survey periods of a year: ids, nominal issue dates and the months each covers',
  })
  calendar(@Query() query: SurveyCalendarQueryDto) {
    const { scale, dissatisfiedBelow } = this.policy.config;
    return {
      year: query.year,
      scale,
      dissatisfiedBelow,
      periods: surveyPeriodsOfYear(this.policy.config.calendar, query.year),
    };
  }

  @Post()
  @HttpCode(201)
  @Roles(...roles.IssueSurvey)
  @ApiOperation({
    summary:
      'Issue the survey of a period to the customers due one (relationship of at least a year at the issue date)',
  })
  @ApiCreatedResponse({ type: CommandResponse, description: 'Also the surveyed and the excluded customers' })
  async issue(
    @Body() dto: IssueSurveyDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const customers =
      dto.customers?.map(({ customerId, relationshipStart }) => ({ customerId, relationshipStart })) ??
      this.policy.customers;
    if (customers.length === 0) {
      throw ValidationError.field(
        'customers',
        'name the customers with their relationship starts, or configure surveys.customers in QMS_POLICY_FILE',
      );
    }
    const { periodId, occurredAt } = dto;
    const result = await this.execute(
      periodId,
      { type: 'IssueSurvey', periodId, customers, occurredAt },
      context,
    );
    void reply.header('Location', `/surveys/${periodId}`);
    const state = result.state as IssuedSurveyState;
    return commandResponse(result, reply, { periodId, customers: state.customers, excluded: state.excluded });
  }

  @Post(':periodId/responses')
  @HttpCode(201)
  @Roles(...roles.RecordSurveyResponse)
  @ApiOperation({ summary: "Record a customer's answer: scores per dimension, comments, respondent" })
  @ApiCreatedResponse({ type: CommandResponse })
  respond(
    @Param('periodId') periodId: string,
    @Body() dto: RecordSurveyResponseDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command = {
      ...dto,
      scores: definedOnly(dto.scores),
      respondent: { ...dto.respondent },
      type: 'RecordSurveyResponse',
      periodId,
    };
    return this.step(periodId, command as SurveyCommand, context, reply);
  }

  @Post(':periodId/responses/:customerId/correction')
  @HttpCode(200)
  @Roles(...roles.CorrectSurveyResponse)
  @ApiOperation({ summary: "Replace a customer's recorded answer as a whole, with the reason" })
  @ApiOkResponse({ type: CommandResponse })
  correct(
    @Param('periodId') periodId: string,
    @Param('customerId') customerId: string,
    @Body() dto: CorrectSurveyResponseDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command = {
      ...dto,
      scores: definedOnly(dto.scores),
      respondent: { ...dto.respondent },
      type: 'CorrectSurveyResponse',
      periodId,
      customerId,
    };
    return this.step(periodId, command as SurveyCommand, context, reply);
  }

  @Post(':periodId/countermeasures')
  @HttpCode(201)
  @Roles(...roles.AssignCountermeasure)
  @ApiOperation({ summary: 'The responsible unit writes a countermeasure for a dissatisfied item (§5.2.2)' })
  @ApiCreatedResponse({
    type: CommandResponse,
    description: 'Also countermeasureNo, which management approves',
  })
  async assign(
    @Param('periodId') periodId: string,
    @Body() dto: AssignCountermeasureDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.execute(
      periodId,
      { ...dto, type: 'AssignCountermeasure', periodId } as SurveyCommand,
      context,
    );
    const state = result.state as IssuedSurveyState;
    const countermeasure = state.countermeasures.findLast(
      (c) => c.customerId === dto.customerId && c.dimension === dto.dimension,
    );
    return commandResponse(result, reply, { periodId, countermeasureNo: countermeasure?.countermeasureNo });
  }

  @Post(':periodId/countermeasures/:countermeasureNo/approval')
  @HttpCode(200)
  @Roles(...roles.ApproveCountermeasure)
  @ApiOperation({ summary: 'Management approves a countermeasure' })
  @ApiOkResponse({ type: CommandResponse })
  approve(
    @Param('periodId') periodId: string,
    @Param('countermeasureNo', PositiveIntParam) countermeasureNo: number,
    @Body() dto: ApproveCountermeasureDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.step(
      periodId,
      { ...dto, type: 'ApproveCountermeasure', periodId, countermeasureNo },
      context,
      reply,
    );
  }

  @Post(':periodId/closure')
  @HttpCode(200)
  @Roles(...roles.CloseSurveyPeriod)
  @ApiOperation({ summary: 'Close the period: every dissatisfied item has an (approved) countermeasure' })
  @ApiOkResponse({ type: CommandResponse })
  close(
    @Param('periodId') periodId: string,
    @Body() dto: CloseSurveyPeriodDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.step(
      periodId,
      { ...dto, type: 'CloseSurveyPeriod', periodId },
      context,
      reply,
    );
  }

  private async step(periodId: string, command: SurveyCommand, context: RequestContext, reply: FastifyReply) {
    return commandResponse(await this.execute(periodId, command, context), reply, { periodId });
  }

  private execute(periodId: string, command: SurveyCommand, context: RequestContext): Promise<CommandResult> {
    return this.commandBus.execute<SurveyStepCommand, CommandResult>(
      new SurveyStepCommand(periodId, command, context),
    );
  }
}

/** DTO instances carry every declared field, unanswered dimensions as undefined: drop those. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
