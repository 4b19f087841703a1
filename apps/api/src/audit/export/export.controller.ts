import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../../auth/auth.guard';
import { Ctx, type RequestContext } from '../../auth/request-context';
import { AUDIT_READERS } from '../audit-roles';
import { ExportQuery } from '../audit.queries';
import { type ComplaintExport, ComplaintExporter } from './complaint-export';
import { eightDWorkbook } from './eight-d-workbook';
import { ApiJsonOk } from '../../http/response-schemas';
import { ComplaintExportAnswer } from '../audit.answers';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
@Roles(...AUDIT_READERS)
export class ExportController {
  constructor(private readonly exporter: ComplaintExporter) {}

  @Get('complaints/:number/export')
  @ApiProduces('application/json', XLSX)
  @ApiJsonOk(ComplaintExportAnswer, { files: [XLSX] })
  @ApiOperation({ summary: "One complaint's 8D record (D0–D8) with its full history and hash-chain check, as JSON or an Excel workbook" })
  async export(
    @Param('number') number: string,
    @Query() query: ExportQuery,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ComplaintExport | Buffer> {
    const document = await this.exporter.export(number, context.actor);
    const format = query.format ?? 'json';
    void reply.header('Content-Disposition', `attachment; filename="${document.complaintNumber}-8D.${format}"`);
    void reply.header('Cache-Control', 'no-store');
    if (format === 'json') {
      void reply.header('Content-Type', 'application/json; charset=utf-8');
      return document;
    }
    void reply.header('Content-Type', XLSX);
    return eightDWorkbook(document);
  }
}
