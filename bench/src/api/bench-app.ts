import { Body, Controller, HttpCode, type DynamicModule, Module, Param, Post, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { CommandResult } from '@qms/command-handling';
import { COMPLAINT_COMMAND_ROLES } from '@qms/complaint-domain';
import type { FastifyReply } from 'fastify';
import { type AppObservability, AppModule } from '../../../apps/api/src/app.module';
import { Roles } from '../../../apps/api/src/auth/auth.guard';
import { Ctx, type RequestContext } from '../../../apps/api/src/auth/request-context';
import { commandResponse } from '../../../apps/api/src/commands/command-response';
import {
  PlanCorrectiveActionDto,
  RegisterComplaintDto,
} from '../../../apps/api/src/complaints/complaint.dto';
import type { AppConfig } from '../../../apps/api/src/config/app-config';
import { configureApp, createFastifyAdapter, createObservability } from '../../../apps/api/src/bootstrap';
import { PinoNestLogger } from '../../../apps/api/src/observability/logging';

const NOTHING_DONE: CommandResult = {
  streamId: 'complaint-CC-0000-0000',
  revision: 0,
  position: 0,
  appendedEventIds: [],
  replayed: false,
  state: null,
};

/**
 * The HTTP floor: the same routes' authentication, role check, request context, body validation
 * (the same DTOs through the same global pipe) and answer shape as the command endpoints, in the
 * same app on the same Fastify adapter — and then no command at all.
 */
@Controller('bench/noop')
export class BenchNoopController {
  @Post('complaints')
  @HttpCode(201)
  @Roles(...COMPLAINT_COMMAND_ROLES.RegisterComplaint)
  register(
    @Body() _dto: RegisterComplaintDto,
    @Ctx() _context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return commandResponse(NOTHING_DONE, reply, { complaintNumber: 'CC-0000-0000' });
  }

  @Post('complaints/:number/corrective-actions')
  @HttpCode(200)
  @Roles(...COMPLAINT_COMMAND_ROLES.PlanCorrectiveAction)
  corrective(
    @Param('number') number: string,
    @Body() _dto: PlanCorrectiveActionDto,
    @Ctx() _context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return commandResponse(NOTHING_DONE, reply, { complaintNumber: number });
  }
}

@Module({})
class BenchAppModule {
  static forRoot(config: AppConfig, observability: AppObservability): DynamicModule {
    return {
      module: BenchAppModule,
      imports: [AppModule.forRoot(config, {}, observability)],
      controllers: [BenchNoopController],
    };
  }
}

/**
 * apps/api/src/bootstrap.ts createApp, with the no-op controller added next to the app's own
 * (the guard, filter and pipe are global, so they apply to it too). The OpenAPI document is left
 * out: it only serves /docs. Keep in step with createApp.
 */
export async function createBenchApp(config: AppConfig): Promise<NestFastifyApplication> {
  const observability = createObservability(config);
  const app = await NestFactory.create<NestFastifyApplication>(BenchAppModule.forRoot(config, observability), createFastifyAdapter(), {
    logger: new PinoNestLogger(observability.logger),
    abortOnError: false,
  });
  await configureApp(app, observability);
  return app;
}
