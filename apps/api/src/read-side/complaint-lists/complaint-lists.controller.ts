import { Controller, Get, Headers, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { READ_STORE, type ReadStore } from '@qms/read-store';
import { pickFormLanguage } from '@qms/audit';
import {
  COMPLAINTS_COLLECTION,
  type ComplaintDocument,
  COMPLAINT_LISTS_PROJECTION,
  type ReportingConfig,
  type StoredComplaint,
  streamWithActions,
  toMasterListRow,
  toTrackingListRow,
  withActions,
  withActionsOf,
} from '@qms/reporting';
import type { FastifyReply } from 'fastify';
import { CLOCK, type Clock } from '../../infrastructure/tokens';
import { awaitPosition, READ_MODEL_POSITIONS, type ReadModelPositions } from '../read-model-positions';
import { REPORTING_CONFIG } from '../reporting-config.provider';
import { ComplaintExportQueryDto, ComplaintListQueryDto } from './complaint-list.query.dto';
import { complaintListQuery } from './complaint-list.query';
import { exportComplaints } from './complaint-export';
import { ApiJsonOk } from '../../http/response-schemas';
import { ComplaintRowsAnswer, MasterListPageAnswer, TrackingListPageAnswer } from './complaint-list.answers';

/**
 * The complaint master list (客户抱怨处理总表) and tracking list (追踪一览表) for reporting tools
 * and the quality meeting. Every answer names the global position the read model has reached.
 */
@ApiTags('complaint lists')
@ApiBearerAuth()
@Controller('complaints')
export class ComplaintListsController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_POSITIONS) private readonly positions: ReadModelPositions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REPORTING_CONFIG) private readonly reporting: ReportingConfig,
  ) {}

  @Get()
  @ApiJsonOk(MasterListPageAnswer)
  @ApiOperation({
    summary: 'Complaint master list: filter, sort, page (stable keyset cursor)',
    description:
      'Drill-down into the monthly report: overdueAtEndOf, repeatOf and containmentLateIn (YYYY-MM, with customerId for a customer section) ' +
      'list exactly the complaints a figure counts, e.g. /complaints?overdueAtEndOf=2026-03&customerId=C0001.',
  })
  async masterList(@Query() query: ComplaintListQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    // The master list shows no action: its rows are the complaints' rows alone.
    return this.list(query, reply, (document, asOf) => toMasterListRow(document, asOf), async (rows) => rows);
  }

  @Get('tracking')
  @ApiJsonOk(TrackingListPageAnswer)
  @ApiOperation({ summary: 'Complaint tracking list with actions and deadlines; sort=nextDueAt&overdue=true for the quality meeting' })
  async trackingList(@Query() query: ComplaintListQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.list({ sort: 'nextDueAt', ...query }, reply, (document: ComplaintDocument, asOf) => toTrackingListRow(document, asOf), (rows) => withActions(this.store, rows));
  }

  @Get('export')
  @ApiOperation({ summary: 'The master list (客户抱怨处理总表) and the tracking list (追踪一览表, one row per action) as an Excel workbook with a sheet each, or one of them as CSV; Chinese or English; streamed' })
  async export(
    @Query() query: ComplaintExportQueryDto,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const position = await awaitPosition(this.positions, COMPLAINT_LISTS_PROJECTION, query.minPosition);
    const asOf = this.clock().toISOString();
    const { format = 'csv', list = 'master', lang, pageSize: _ignored, cursor: _cursor, ...filters } = query;
    const findQuery = { ...complaintListQuery(filters, asOf, this.reporting), limit: undefined };
    await exportComplaints(reply, {
      format,
      list,
      lang: pickFormLanguage(lang, acceptLanguage),
      timeZone: this.reporting.timeZone,
      asOf,
      position,
      rows: () => this.store.stream<StoredComplaint>(COMPLAINTS_COLLECTION, findQuery),
      documents: () => streamWithActions(this.store, this.store.stream<StoredComplaint>(COMPLAINTS_COLLECTION, findQuery)),
    });
  }

  @Get(':number/row')
  @ApiJsonOk(ComplaintRowsAnswer)
  @ApiOperation({ summary: "One complaint's master-list and tracking-list rows" })
  async row(@Param('number') number: string, @Query() query: ComplaintListQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const position = await awaitPosition(this.positions, COMPLAINT_LISTS_PROJECTION, query.minPosition);
    const row = await this.store.get<StoredComplaint>(COMPLAINTS_COLLECTION, number);
    if (row === null) throw new NotFoundException(`Complaint ${number} is not in the read model (yet); pass ?minPosition= from the command's answer.`);
    const document = await withActionsOf(this.store, row);
    const asOf = this.clock().toISOString();
    void reply.header('X-Read-Model-Position', String(position));
    return { position, asOf, readModel: this.positions.standingOf(COMPLAINT_LISTS_PROJECTION), master: toMasterListRow(document, asOf), tracking: toTrackingListRow(document, asOf) };
  }

  private async list<Document extends StoredComplaint, Row>(
    query: ComplaintListQueryDto,
    reply: FastifyReply,
    toRow: (document: Document, asOf: string) => Row,
    complete: (rows: readonly StoredComplaint[]) => Promise<readonly Document[]>,
  ) {
    const position = await awaitPosition(this.positions, COMPLAINT_LISTS_PROJECTION, query.minPosition);
    const asOf = this.clock().toISOString();
    const page = await this.store.find<StoredComplaint>(COMPLAINTS_COLLECTION, complaintListQuery(query, asOf, this.reporting));
    const documents = await complete(page.items);
    void reply.header('X-Read-Model-Position', String(position));
    return {
      position,
      asOf,
      readModel: this.positions.standingOf(COMPLAINT_LISTS_PROJECTION),
      items: documents.map((document) => toRow(document, asOf)),
      nextCursor: page.nextCursor,
    };
  }
}
