import { Controller, Get, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { READ_STORE, type ReadStore, type StoredDocument } from '@qms/read-store';
import { SATISFACTION_SUMMARY_PROJECTION, SATISFACTION_SUMMARY_COLLECTION } from '@qms/reporting';
import type { FastifyReply } from 'fastify';
import { awaitPosition, READ_MODEL_POSITIONS, type ReadModelPositions } from '../read-model-positions';
import { MonthlyReportQueryDto } from '../monthly-report/monthly-report.controller';
import { ApiJsonOk } from '../../http/response-schemas';
import { SatisfactionSummaryAnswer } from './satisfaction-summary.answers';

/** The satisfaction summary per survey period (客户满意度调查汇总分析表). */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/satisfaction')
export class SatisfactionSummaryController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_POSITIONS) private readonly positions: ReadModelPositions,
  ) {}

  @Get(':periodId')
  @ApiJsonOk(SatisfactionSummaryAnswer)
  @ApiOperation({ summary: 'Averages per dimension and customer, CSI against target and benchmark, dissatisfied items and countermeasures' })
  async period(@Param('periodId') periodId: string, @Query() query: MonthlyReportQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const position = await awaitPosition(this.positions, SATISFACTION_SUMMARY_PROJECTION, query.minPosition);
    const stored = await this.store.get<StoredDocument & { _position?: number }>(SATISFACTION_SUMMARY_COLLECTION, periodId);
    if (stored === null) throw new NotFoundException(`No survey period ${periodId} in the read model.`);
    // The projection's bookkeeping, not a figure: the answer's own position says how current it is.
    const { _position: _applied, ...summary } = stored;
    void reply.header('X-Read-Model-Position', String(position));
    return { position, readModel: this.positions.standingOf(SATISFACTION_SUMMARY_PROJECTION), summary };
  }
}
