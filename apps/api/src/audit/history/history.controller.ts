import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/auth.guard';
import { AUDIT_READERS } from '../audit-roles';
import { AuditTrail, complaintStream, type HistoryPage } from '../audit-trail';
import { HistoryQuery } from '../audit.queries';
import { ApiJsonOk } from '../../http/response-schemas';
import { HistoryPageAnswer } from '../audit.answers';

const DEFAULT_PAGE_SIZE = 100;

/** DESIGN §9: every event of a record, in revision order, with who, when (business and recorded) and how it was traced. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
@Roles(...AUDIT_READERS)
export class HistoryController {
  constructor(private readonly trail: AuditTrail) {}

  @Get('streams/:streamId/history')
  @ApiJsonOk(HistoryPageAnswer)
  @ApiOperation({ summary: 'History of any stream (complaint-, return-, survey-, customer-notification-, delivery-…), paged by revision' })
  streamHistory(@Param('streamId') streamId: string, @Query() query: HistoryQuery): Promise<HistoryPage> {
    return this.trail.historyPage(streamId, query.page ?? 1, query.pageSize ?? DEFAULT_PAGE_SIZE);
  }

  @Get('complaints/:number/history')
  @ApiJsonOk(HistoryPageAnswer)
  @ApiOperation({ summary: 'History of one complaint' })
  complaintHistory(@Param('number') number: string, @Query() query: HistoryQuery): Promise<HistoryPage> {
    return this.trail.historyPage(complaintStream(number), query.page ?? 1, query.pageSize ?? DEFAULT_PAGE_SIZE);
  }
}
