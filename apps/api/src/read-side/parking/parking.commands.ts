import type { ParkingCommand } from '@qms/projection-engine';
import type { RequestContext } from '../../auth/request-context';

/** The message on the CommandBus: a parking decision for one projection. */
export class ParkingDecisionCommand {
  constructor(
    readonly command: ParkingCommand,
    readonly context: RequestContext,
  ) {}
}
