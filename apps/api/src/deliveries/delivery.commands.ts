import type { CommandMetadata, CommandResult } from '@qms/command-handling';
import type { DeliveryCommand, RecordDelivery } from '@qms/delivery-domain';
import type { RequestContext } from '../auth/request-context';

/** The message on the @nestjs/cqrs CommandBus; the order line in the command names the stream. */
export class DeliveryStepCommand {
  constructor(
    readonly command: DeliveryCommand,
    readonly context: RequestContext,
  ) {}
}

/**
 * One batch of an ERP import (delivery-importer.ts): every row is a RecordDelivery on its own
 * order line, written in one store commit. Rows are refused one by one, never the batch.
 */
export class RecordDeliveryBatchCommand {
  constructor(
    readonly deliveries: readonly RecordDelivery[],
    readonly metadata: CommandMetadata,
  ) {}
}

/** Per row, in the batch's order: what was appended, or why the row was refused. */
export type DeliveryBatchOutcome = CommandResult | { readonly error: unknown };
