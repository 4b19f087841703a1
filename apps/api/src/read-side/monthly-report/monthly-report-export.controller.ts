import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { FORM_LANGUAGES, pickFormLanguage } from '@qms/audit';
import { ValidationError } from '@qms/domain-kernel';
import { READ_STORE, type ReadStore } from '@qms/read-store';
import { isMonthKey, type MonthlyReportMaterializer, MONTHLY_REPORT_PROJECTION } from '@qms/reporting';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { awaitPosition, READ_MODEL_POSITIONS, type ReadModelPositions } from '../read-model-positions';
import { MONTHLY_REPORT_MATERIALIZER } from '../read-side.tokens';
import { WORKBOOK_CONTENT_TYPE } from './monthly-report-workbook';
import { MonthlyReportWorkbookThread } from './monthly-report-workbook-in-thread';

export class MonthlyReportExportQueryDto {
  @ApiPropertyOptional({ enum: ['xlsx'], default: 'xlsx' }) @IsOptional() @IsIn(['xlsx']) format?: 'xlsx';
  @ApiPropertyOptional({ enum: FORM_LANGUAGES, description: 'Default: Accept-Language, else zh-CN' }) @IsOptional() @IsIn(FORM_LANGUAGES) lang?: (typeof FORM_LANGUAGES)[number];
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) minPosition?: number;
}

/** The monthly report (每月品质(客户抱怨)及交期月报) as the workbook handed round at the monthly meeting (§5.2.3). */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/monthly')
export class MonthlyReportExportController {
  private readonly workbooks: MonthlyReportWorkbookThread;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_POSITIONS) private readonly positions: ReadModelPositions,
    @Inject(MONTHLY_REPORT_MATERIALIZER) private readonly materializer: MonthlyReportMaterializer,
  ) {
    this.workbooks = new MonthlyReportWorkbookThread(config.workbookHeapMb);
  }

  @Get(':month/export')
  @ApiOperation({
    summary: "One month's report as an Excel workbook for the monthly meeting",
    description: 'Sheets: KPI (value, target, met / not met), by customer, by department and cause, returns, deliveries. Chinese (default) or English.',
  })
  @ApiProduces(WORKBOOK_CONTENT_TYPE)
  @ApiHeader({ name: 'Accept-Language', required: false, description: 'Used when ?lang= is absent: zh-CN or en' })
  async export(
    @Param('month') month: string,
    @Query() query: MonthlyReportExportQueryDto,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    if (!isMonthKey(month)) throw ValidationError.field('month', 'must be YYYY-MM');
    const language = pickFormLanguage(query.lang, acceptLanguage);
    const position = await awaitPosition(this.positions, MONTHLY_REPORT_PROJECTION, query.minPosition);
    // Every customer's section: the workbook lists them all.
    const report = await this.materializer.report(this.store, month, 'all');
    const workbook = await this.workbooks.build({ report, language, position });
    void reply.header('X-Read-Model-Position', String(position));
    void reply.header('Content-Language', language);
    void reply.header('Content-Type', WORKBOOK_CONTENT_TYPE);
    void reply.header('Content-Disposition', `attachment; filename="monthly-report-${month}-${language}.xlsx"`);
    return workbook;
  }
}
