import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { buildEightDForm, buildEightDReport, pickFormLanguage } from '@qms/audit';
import type { DeadlinePolicyConfig } from '@qms/complaint-domain';
import { NotFoundError, ValidationError } from '@qms/domain-kernel';
import type { FastifyReply } from 'fastify';
import { DEADLINE_POLICY } from '../../config/domain-policy';
import { CLOCK, type Clock } from '../../infrastructure/tokens';
import { AuditTrail, complaintStream } from '../audit-trail';
import { eightDFormHtml } from './eight-d-form.html';
import { EightDFormQuery } from './eight-d-form.query';
import { eightDFormWorkbook } from './eight-d-form.xlsx';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The 8D report (客户抱怨处理单 / 8D报告, DESIGN §9) a supplier hands its customer: every role that
 * reads complaints may print it. The audit export stays the evidence record; this is the form.
 */
@ApiTags('complaints')
@ApiBearerAuth()
@Controller('complaints')
export class EightDFormController {
  constructor(
    private readonly trail: AuditTrail,
    @Inject(DEADLINE_POLICY) private readonly policy: DeadlinePolicyConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':number/8d-report')
  @ApiProduces('text/html', XLSX)
  @ApiOperation({ summary: 'The 8D report form of one complaint, printable on A4: a page (html) or a workbook (xlsx), Chinese or English, optionally as it stood at a past instant' })
  async report(
    @Param('number') number: string,
    @Query() query: EightDFormQuery,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer> {
    const streamId = complaintStream(number);
    const at = query.at === undefined ? null : new Date(query.at);
    if (at !== null && Number.isNaN(at.getTime())) throw ValidationError.field('at', 'is not a calendar date-time');
    if (at === null && query.basis !== undefined) throw ValidationError.field('basis', 'applies to at only');
    const events =
      at === null ? await this.trail.wholeStream(streamId) : (await this.trail.asOf(streamId, { kind: 'time', basis: query.basis ?? 'recorded', at })).events;
    if (events.length === 0) throw new NotFoundError(`Complaint ${number} was not registered yet at ${query.at ?? ''}.`);
    const lang = pickFormLanguage(query.lang, acceptLanguage);
    const form = buildEightDForm(buildEightDReport(events), {
      lang,
      timeZone: this.policy.default.timeZone,
      printedAt: this.clock(),
      asOf: at,
    });
    const format = query.format ?? 'html';
    void reply.header('Content-Language', lang);
    void reply.header('Cache-Control', 'no-store');
    if (format === 'html') {
      void reply.header('Content-Type', 'text/html; charset=utf-8');
      void reply.header('Content-Disposition', `inline; filename="${number}-8D-report.html"`);
      return eightDFormHtml(form);
    }
    void reply.header('Content-Type', XLSX);
    void reply.header('Content-Disposition', `attachment; filename="${number}-8D-report.xlsx"`);
    return eightDFormWorkbook(form);
  }
}
