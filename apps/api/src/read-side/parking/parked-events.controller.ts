import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { PositiveIntParam } from '../../http/positive-int-param';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandResult } from '@qms/command-handling';
import { NotFoundError } from '@qms/domain-kernel';
import { EVENT_STORE, type EventStore } from '@qms/event-store';
import { parkingFromLog, poisonHolding, type ProjectionsHost } from '@qms/projection-engine';
import type { FastifyReply } from 'fastify';
import { Roles } from '../../auth/auth.guard';
import { Ctx, type RequestContext } from '../../auth/request-context';
import { CommandResponse, commandResponse } from '../../commands/command-response';
import { PROJECTION_ENGINE } from '../read-side.tokens';
import { ParkingDecisionCommand } from './parking.commands';
import { ParkEventDto, UnparkEventDto } from './parking.dto';
import { ApiJsonOk } from '../../http/response-schemas';
import { ParkedEventsAnswer } from '../read-side.answers';

/**
 * Events a projection cannot apply (issue: one bad event must not stop the read side). An admin
 * parks the one a projection is stopped on (or its rebuild is, when the live copy waits for that
 * rebuild or was built by older code): the decision is an event of the stream
 * `projection-parking-<name>` (who, when, why: GET /audit/streams/projection-parking-<name>/history),
 * the projection goes on past it, and its status lists it so a report user knows a figure may be
 * incomplete. Unparking takes the decision back; a rebuild then applies the event again.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/projections/:name/parked-events')
export class ParkedEventsController {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(PROJECTION_ENGINE) private readonly engine: ProjectionsHost,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
  ) {}

  @Get()
  @ApiJsonOk(ParkedEventsAnswer)
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'The events parked for a projection, as recorded in its parking stream' })
  async list(@Param('name') name: string) {
    this.known(name);
    const parked = await parkingFromLog(this.eventStore).parked(name);
    return { projection: name, items: [...parked.values()].sort((a, b) => a.position - b.position) };
  }

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Park the event a projection (or its rebuild) is stopped on: the projection goes on without it (recorded in the audit history)',
  })
  @ApiCreatedResponse({ type: CommandResponse })
  async park(@Param('name') name: string, @Body() dto: ParkEventDto, @Ctx() context: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    this.known(name);
    const event = await this.eventAt(dto.position);
    const status = (await this.engine.status()).find((candidate) => candidate.name === name);
    const result = await this.decide(
      {
        type: 'ParkEvent',
        projection: name,
        position: dto.position,
        streamId: event.streamId,
        eventType: event.type,
        reason: dto.reason,
        stoppedOn: (status === undefined ? null : poisonHolding(status))?.position ?? null,
      },
      context,
    );
    await this.engine.parkingChanged(name);
    return commandResponse(result, reply, { projection: name, parked: { position: dto.position, streamId: event.streamId, eventType: event.type } });
  }

  @Post(':position/unparking')
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Take a parking decision back; rebuild the projection afterwards so that it applies the event (once the code can)' })
  @ApiCreatedResponse({ type: CommandResponse })
  async unpark(
    @Param('name') name: string,
    @Param('position', PositiveIntParam) position: number,
    @Body() dto: UnparkEventDto,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    this.known(name);
    const result = await this.decide({ type: 'UnparkEvent', projection: name, position, reason: dto.reason }, context);
    await this.engine.parkingChanged(name);
    return commandResponse(result, reply, { projection: name, unparked: position, rebuild: `/admin/projections/${name}/rebuild` });
  }

  private decide(command: ParkingDecisionCommand['command'], context: RequestContext): Promise<CommandResult> {
    return this.commandBus.execute<ParkingDecisionCommand, CommandResult>(new ParkingDecisionCommand(command, context));
  }

  private known(name: string): void {
    if (!this.engine.projectionNames.includes(name)) {
      throw new NotFoundError(`No projection named ${name}; the projections are: ${this.engine.projectionNames.join(', ')}`);
    }
  }

  private async eventAt(position: number) {
    const [event] = await this.eventStore.readAll({ fromPosition: position - 1, maxCount: 1 });
    if (event === undefined || event.position !== position) throw new NotFoundError(`No event at position ${position}`);
    return event;
  }
}
