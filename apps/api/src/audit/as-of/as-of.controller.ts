import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { buildEightDReport, type EightDReport } from '@qms/audit';
import { returnStreamId } from '@qms/return-domain';
import { surveyStreamId } from '@qms/survey-domain';
import { Roles } from '../../auth/auth.guard';
import { AUDIT_READERS } from '../audit-roles';
import { AuditTrail, type AsOfView, complaintStream } from '../audit-trail';
import { AsOfQuery, asOfPoint } from '../audit.queries';
import { ApiJsonOk } from '../../http/response-schemas';
import { AsOfAnswer, ComplaintAsOfAnswer, ReturnAsOfAnswer, SurveyAsOfAnswer } from '../audit.answers';

const AS_OF_HELP =
  'Give ?revision=N, or ?at=<instant> with basis=recorded (default: what the record said at that instant) ' +
  'or basis=business (what had happened by then, as known today; back-dated entries are listed).';

/** DESIGN §9: the state of a record as of a past time or revision, folded by the deciders' own evolve. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
@Roles(...AUDIT_READERS)
export class AsOfController {
  constructor(private readonly trail: AuditTrail) {}

  @Get('streams/:streamId/as-of')
  @ApiJsonOk(AsOfAnswer)
  @ApiOperation({ summary: 'State of a complaint, customer notification, return, survey period or delivery as of a point', description: AS_OF_HELP })
  async stream(@Param('streamId') streamId: string, @Query() query: AsOfQuery): Promise<AsOfView> {
    const { events: _events, ...view } = await this.trail.asOf(streamId, asOfPoint(query));
    return view;
  }

  @Get('complaints/:number/as-of')
  @ApiJsonOk(ComplaintAsOfAnswer)
  @ApiOperation({ summary: 'A complaint as of a point: its state and its 8D record as they were', description: AS_OF_HELP })
  async complaint(@Param('number') number: string, @Query() query: AsOfQuery): Promise<AsOfView & { eightD: EightDReport }> {
    const { events, ...view } = await this.trail.asOf(complaintStream(number), asOfPoint(query));
    return { ...view, eightD: buildEightDReport(events) };
  }

  @Get('returns/:returnId/as-of')
  @ApiJsonOk(ReturnAsOfAnswer)
  @ApiOperation({ summary: 'A return as of a point', description: AS_OF_HELP })
  returnAsOf(@Param('returnId') returnId: string, @Query() query: AsOfQuery): Promise<AsOfView> {
    return this.stream(returnStreamId(returnId), query);
  }

  @Get('surveys/:periodId/as-of')
  @ApiJsonOk(SurveyAsOfAnswer)
  @ApiOperation({ summary: 'A survey period as of a point', description: AS_OF_HELP })
  surveyAsOf(@Param('periodId') periodId: string, @Query() query: AsOfQuery): Promise<AsOfView> {
    return this.stream(surveyStreamId(periodId), query);
  }
}
