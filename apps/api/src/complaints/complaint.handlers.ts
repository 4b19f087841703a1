import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, type CommandResult, IdempotencyRecords } from '@qms/command-handling';
import {
  complaintStreamId,
  complaintYear,
  createComplaintDecider,
  createCustomerNotificationDecider,
  customerNotificationStreamId,
  type DeadlinePolicyConfig,
  type RegisterComplaint,
  isRegistered,
  nextReopenNumber,
  registrationForReopen,
} from '@qms/complaint-domain';
import { NotFoundError, ValidationError } from '@qms/domain-kernel';
import { DEADLINE_POLICY } from '../config/domain-policy';
import { CLOCK, type Clock } from '../infrastructure/tokens';
import { ComplaintNumberAllocator } from './complaint-number-allocator';
import {
  ComplaintStepCommand,
  EndCustomerNotificationCommand,
  RecordCustomerNotificationCommand,
  RegisterComplaintCommand,
  ReopenComplaintCommand,
} from './complaint.commands';

type ComplaintDecider = ReturnType<typeof createComplaintDecider>;

@CommandHandler(RegisterComplaintCommand)
export class RegisterComplaintHandler implements ICommandHandler<RegisterComplaintCommand, CommandResult> {
  private readonly decider: ComplaintDecider;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly allocator: ComplaintNumberAllocator,
    private readonly idempotency: IdempotencyRecords,
    @Inject(DEADLINE_POLICY) private readonly policy: DeadlinePolicyConfig,
  ) {
    this.decider = createComplaintDecider(policy);
  }

  async execute({ data, context }: RegisterComplaintCommand): Promise<CommandResult> {
    const { actor, idempotencyKey } = context;
    if (idempotencyKey !== undefined) {
      const earlierStream = await this.idempotency.find(actor, idempotencyKey);
      if (earlierStream !== undefined) return this.register(earlierStream.replace(/^complaint-/, ''), data, context);
    }
    // Numbers follow the company's calendar year, not a customer's override zone.
    const year = complaintYear(data.receivedAt, this.policy.default.timeZone);
    const result = await this.allocator.allocate(year, {
      prepare: (complaintNumber) =>
        this.executor.prepareNew(this.decider, complaintStreamId(complaintNumber), registration(complaintNumber, data), context),
      register: (complaintNumber) => this.register(complaintNumber, data, context),
    });
    if (idempotencyKey !== undefined) await this.idempotency.remember(actor, idempotencyKey, result.streamId);
    return result;
  }

  private register(complaintNumber: string, data: RegisterComplaintCommand['data'], context: RegisterComplaintCommand['context']) {
    return this.executor.execute(this.decider, complaintStreamId(complaintNumber), registration(complaintNumber, data), context, {
      mustBeNew: true,
    });
  }
}

function registration(complaintNumber: string, data: RegisterComplaintCommand['data']): RegisterComplaint {
  return { type: 'RegisterComplaint', data: { ...data, complaintNumber } };
}

@CommandHandler(ComplaintStepCommand)
export class ComplaintStepHandler implements ICommandHandler<ComplaintStepCommand, CommandResult> {
  private readonly decider: ComplaintDecider;

  constructor(
    private readonly executor: CommandExecutor,
    @Inject(DEADLINE_POLICY) policy: DeadlinePolicyConfig,
  ) {
    this.decider = createComplaintDecider(policy);
  }

  execute({ complaintNumber, command, context }: ComplaintStepCommand): Promise<CommandResult> {
    return this.executor.execute(this.decider, complaintStreamId(complaintNumber), command, context);
  }
}

/**
 * §6.3.2: the customer is not satisfied, so sales opens a new complaint numbered original + `-n`,
 * linked both ways. The new stream is claimed first (expected revision no_stream), then the
 * original records the reopening; a retry after a crash between the two finds the new complaint
 * already registered from this original and only completes the link.
 */
@CommandHandler(ReopenComplaintCommand)
export class ReopenComplaintHandler implements ICommandHandler<ReopenComplaintCommand, CommandResult> {
  private readonly decider: ComplaintDecider;

  constructor(
    private readonly executor: CommandExecutor,
    @Inject(DEADLINE_POLICY) policy: DeadlinePolicyConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.decider = createComplaintDecider(policy);
  }

  async execute({ complaintNumber, reason, occurredAt, context, facts }: ReopenComplaintCommand): Promise<CommandResult> {
    const reopen = { type: 'ReopenComplaint', data: { complaintNumber, reason, occurredAt, ...facts } } as const;
    const original = await this.executor.load(this.decider, complaintStreamId(complaintNumber));
    if (!isRegistered(original.state)) throw new NotFoundError(`Complaint ${complaintNumber} does not exist.`);
    const reopenedAs = nextReopenNumber(original.state);
    const reopened = await this.executor.load(this.decider, complaintStreamId(reopenedAs));
    if (!isRegistered(reopened.state)) {
      const registration = registrationForReopen(original.state, reopenedAs, occurredAt, facts);
      // The reopening is decided on the original first so that an illegal reopen appends nothing.
      this.decider.decide(reopen, original.state, {
        now: this.clock(),
        actor: context.actor,
      });
      await this.executor.execute(this.decider, complaintStreamId(reopenedAs), registration, context, { mustBeNew: true });
    }
    return this.executor.execute(
      this.decider,
      complaintStreamId(complaintNumber),
      reopen,
      context,
    );
  }
}

/**
 * Records a customer notification under a new id. With an Idempotency-Key, a retry reaches the
 * notification the key already names instead of recording a second one.
 */
@CommandHandler(RecordCustomerNotificationCommand)
export class RecordCustomerNotificationHandler implements ICommandHandler<RecordCustomerNotificationCommand, CommandResult> {
  private readonly decider = createCustomerNotificationDecider();

  constructor(
    private readonly executor: CommandExecutor,
    private readonly idempotency: IdempotencyRecords,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ data, context }: RecordCustomerNotificationCommand): Promise<CommandResult> {
    const { actor, idempotencyKey } = context;
    const earlier = idempotencyKey === undefined ? undefined : await this.idempotency.find(actor, idempotencyKey);
    const notificationId = earlier === undefined ? randomUUID() : notificationIdOf(earlier);
    const result = await this.executor.execute(
      this.decider,
      customerNotificationStreamId(notificationId),
      { type: 'RecordCustomerNotification', data: { ...data, notificationId, occurredAt: data.occurredAt ?? this.clock().toISOString() } },
      context,
    );
    if (idempotencyKey !== undefined && earlier === undefined) await this.idempotency.remember(actor, idempotencyKey, result.streamId);
    return result;
  }
}

@CommandHandler(EndCustomerNotificationCommand)
export class EndCustomerNotificationHandler implements ICommandHandler<EndCustomerNotificationCommand, CommandResult> {
  private readonly decider = createCustomerNotificationDecider();

  constructor(
    private readonly executor: CommandExecutor,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ notificationId, data, context }: EndCustomerNotificationCommand): Promise<CommandResult> {
    return this.executor.execute(
      this.decider,
      customerNotificationStreamId(notificationId),
      { type: 'EndCustomerNotification', data: { ...data, notificationId, occurredAt: data.occurredAt ?? this.clock().toISOString() } },
      context,
    );
  }
}

function notificationIdOf(streamId: string): string {
  const prefix = customerNotificationStreamId('');
  if (!streamId.startsWith(prefix)) {
    throw ValidationError.field('Idempotency-Key', 'was already used for a different request; use a new key for a new request');
  }
  return streamId.slice(prefix.length);
}
