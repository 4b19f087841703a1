import {
  Body,
  Controller,
  HttpCode,
  Inject,
  Post,
  Query,
  Req,
  Res,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { CommandResult } from '@qms/command-handling';
import {
  CSV_ENCODINGS,
  type CsvEncoding,
  csvEncodingOf,
  acceptedDeliveryHeaders,
  DELIVERY_COMMAND_ROLES,
  DELIVERY_CSV_COLUMNS,
  type DeliveryCommand,
} from '@qms/delivery-domain';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { Roles } from '../auth/auth.guard';
import {
  type AuthenticatedRequest,
  Ctx,
  type RequestContext,
  requestContextOf,
} from '../auth/request-context';
import { CommandResponse, commandResponse } from '../commands/command-response';
import { withSpooledUpload } from './csv-spool';
import { DeliveryImporter } from './delivery-importer';
import {
  CorrectDeliveryDto,
  DeliveryImportQueryDto,
  DeliveryImportResponse,
  RecordDeliveryDto,
} from './delivery.dto';
import { DeliveryStepCommand } from './delivery.commands';

const roles = DELIVERY_COMMAND_ROLES;

/**
 * Deliveries, the denominators of PPM and on-time delivery (DESIGN §6): one order line at a time,
 * or an ERP export in bulk. Order + line is the identity, so sending the same line again appends
 * nothing, and a different line under the same identity is a correction, never an overwrite.
 */
@ApiTags('deliveries')
@ApiBearerAuth()
@Controller('deliveries')
export class DeliveriesController {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(DeliveryImporter) private readonly importer: DeliveryImporter,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles(...roles.RecordDelivery)
  @ApiOperation({
    summary: 'Record one delivered order line; the same line again appends nothing (200, alreadyRecorded)',
  })
  @ApiCreatedResponse({ type: CommandResponse })
  @ApiOkResponse({ type: CommandResponse, description: 'Already recorded with the same facts: nothing appended' })
  @ApiConflictResponse({
    description: 'The order line is already recorded with other facts: send a correction',
  })
  async record(
    @Body() dto: RecordDeliveryDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.execute({ ...dto, type: 'RecordDelivery' }, context);
    const alreadyRecorded = result.appendedEventIds.length === 0 && !result.replayed;
    if (alreadyRecorded) void reply.status(200);
    return commandResponse(result, reply, { orderNo: dto.orderNo, lineNo: dto.lineNo, alreadyRecorded });
  }

  @Post('corrections')
  @HttpCode(200)
  @Roles(...roles.CorrectDelivery)
  @ApiOperation({
    summary: 'Correct facts of a recorded order line, with the reason (kept for the audit trail)',
  })
  @ApiOkResponse({ type: CommandResponse })
  async correct(
    @Body() dto: CorrectDeliveryDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.execute(
      { ...dto, changes: { ...dto.changes }, type: 'CorrectDelivery' },
      context,
    );
    return commandResponse(result, reply, { orderNo: dto.orderNo, lineNo: dto.lineNo });
  }

  @Post('import')
  @HttpCode(200)
  @Roles(...roles.RecordDelivery)
  @ApiOperation({
    summary:
      'Import an ERP export (Content-Type: text/csv, streamed); by default all-or-nothing: a file with any bad row imports nothing',
    description:
      `Header: ${DELIVERY_CSV_COLUMNS.join(',')} or the Chinese names (${acceptedDeliveryHeaders()}); extra columns ignored. ` +
      'Text is UTF-8 (a BOM is fine) unless declared: Content-Type: text/csv; charset=gb18030 (or gbk) for what Chinese Excel saves. ' +
      'Dates as 2026-11-05 or 2026/11/5; delivered_at with an offset, or local (2026-11-05 14:00) in the policy time zone; quantities may carry thousands separators ("1,500"). ' +
      'Every bad line is reported with all of its problems, each naming its column. ' +
      'Re-importing a file appends nothing for lines already recorded with the same facts.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({
    schema: {
      type: 'string',
      example: `${DELIVERY_CSV_COLUMNS.join(',')}\nACME,SO-1001,10,P-100,500,2026-03-05,2026-03-05T06:00:00Z,no`,
    },
  })
  @ApiOkResponse({ type: DeliveryImportResponse })
  @ApiBadRequestResponse({
    type: DeliveryImportResponse,
    description: 'all-or-nothing: bad rows, listed in rejected; nothing imported',
  })
  async import(
    @Query() query: DeliveryImportQueryDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const body = request.body;
    if (!(body instanceof Readable))
      throw new UnsupportedMediaTypeException('Send the ERP export with Content-Type: text/csv.');
    // The body is a stream, not part of an idempotency fingerprint: order + line make a re-import safe.
    const metadata = requestContextOf({
      headers: { ...request.headers, 'idempotency-key': undefined },
      method: request.method,
      url: request.url,
      actor: request.actor,
      body: null,
    });
    const encoding = declaredEncoding(String(request.headers['content-type'] ?? ''));
    const mode = query.mode ?? 'all-or-nothing';
    const report =
      mode === 'all-or-nothing'
        ? await withSpooledUpload(body, (source) => this.importer.import(source, { mode, metadata, encoding }))
        : await this.importer.import(() => body, { mode, metadata, encoding });
    if (mode === 'all-or-nothing' && !report.committed) {
      void reply.status(400);
      const bad = report.rejected.length;
      return {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: `${bad} of ${report.rows} rows ${bad === 1 ? 'is' : 'are'} bad; nothing was imported. Fix the lines listed in rejected and send the file again.`,
        ...report,
      };
    }
    return report;
  }

  private execute(command: DeliveryCommand, context: RequestContext): Promise<CommandResult> {
    return this.commandBus.execute<DeliveryStepCommand, CommandResult>(
      new DeliveryStepCommand(command, context),
    );
  }
}

/** The charset parameter of Content-Type; a charset this import cannot read is refused, never guessed. */
function declaredEncoding(contentType: string | undefined): CsvEncoding {
  const charset = /;\s*charset\s*=\s*([^;\s]+)/i.exec(contentType ?? '')?.[1];
  const encoding = csvEncodingOf(charset);
  if (encoding === undefined)
    throw new UnsupportedMediaTypeException(`charset=${charset ?? ''} is not read here; use one of ${CSV_ENCODINGS.join(', ')}.`);
  return encoding;
}
