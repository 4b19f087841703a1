import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  assertSameRequest,
  CommandExecutor,
  type CommandResult,
  IdempotencyRecords,
  KeyClaimedElsewhereError,
  keyReusedError,
  PerKeyQueue,
  requestHash,
} from '@qms/command-handling';
import { WrongExpectedVersionError } from '@qms/event-store';
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
import { NotFoundError } from '@qms/domain-kernel';
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

/**
 * Registration picks the complaint number, so an Idempotency-Key is claimed in a stream of its
 * own (IdempotencyRecords) in the same batched append as the complaint's first event, the claim
 * first (`withPrevious`): on SQLite both or neither are stored, so 20 concurrent requests with one
 * key, or a retry after a crash at any instant, give exactly one complaint. On EventStoreDB (no
 * multi-stream transaction) the claim is stored first and a crash can leave it without its
 * complaint; the next request with the key finds the claim and registers the complaint under the
 * claimed number, or, when another registration took that number meanwhile, moves the claim on to
 * a new number (expected revision = the claim's, so concurrent retries agree on one). The claim
 * never takes a number itself, so numbers stay gap-free.
 */
@CommandHandler(RegisterComplaintCommand)
export class RegisterComplaintHandler implements ICommandHandler<RegisterComplaintCommand, CommandResult> {
  private readonly decider: ComplaintDecider;
  private readonly keyQueue = new PerKeyQueue();

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
    if (idempotencyKey === undefined) return await this.allocate(data, context, undefined);
    return this.keyQueue.run(JSON.stringify([actor.userId, idempotencyKey]), () => this.executeKeyed(data, context, idempotencyKey));
  }

  private async executeKeyed(data: RegisterComplaintCommand['data'], context: RegisterComplaintCommand['context'], key: string): Promise<CommandResult> {
    const commandHash = requestHash(registration('', data), context);
    const keyed = { ...context, requestFingerprint: commandHash };
    for (let attempt = 1; ; attempt++) {
      const claim = await this.idempotency.find(context.actor, key);
      let claimRevision: 'no_stream' | number = 'no_stream';
      if (claim !== undefined) {
        assertSameRequest(claim, commandHash);
        if (!claim.streamId.startsWith(complaintStreamId(''))) throw keyReusedError();
        try {
          // Replays the complaint, or registers it when a crash left the claim alone (EventStoreDB).
          return await this.register(claim.streamId.slice(complaintStreamId('').length), data, keyed);
        } catch (error) {
          if (!(error instanceof WrongExpectedVersionError)) throw error;
          claimRevision = claim.revision;
        }
      }
      try {
        return await this.allocate(data, keyed, { key, commandHash, claimRevision });
      } catch (error) {
        // Another request claimed the key (or moved the claim) first: answer from its claim.
        if (!(error instanceof KeyClaimedElsewhereError) || attempt >= MAX_CLAIM_ATTEMPTS) throw error;
      }
    }
  }

  private allocate(
    data: RegisterComplaintCommand['data'],
    context: RegisterComplaintCommand['context'],
    claim: { readonly key: string; readonly commandHash: string; readonly claimRevision: 'no_stream' | number } | undefined,
  ): Promise<CommandResult> {
    // Numbers follow the company's calendar year, not a customer's override zone.
    const year = complaintYear(data.receivedAt, this.policy.default.timeZone);
    const prepare = (complaintNumber: string) => {
      const streamId = complaintStreamId(complaintNumber);
      const prepared = this.executor.prepareNew(this.decider, streamId, registration(complaintNumber, data), context);
      if (claim === undefined) return { writes: [prepared.write], complete: prepared.complete };
      const claimWrite = this.idempotency.claim(context.actor, claim.key, streamId, claim.commandHash, claim.claimRevision);
      return { writes: [claimWrite, { ...prepared.write, withPrevious: true }], complete: prepared.complete };
    };
    return this.allocator.allocate(year, {
      prepare,
      register: async (complaintNumber) => {
        if (claim === undefined) return this.register(complaintNumber, data, context);
        const { writes, complete } = prepare(complaintNumber);
        const [claimed, recorded] = await this.executor.store.appendToStreams(writes);
        if (recorded?.ok === true) return complete(recorded.result);
        if (claimed?.ok === false) throw new KeyClaimedElsewhereError();
        // The number is taken: the allocator tries the next one (on EventStoreDB our claim to this
        // number is stored and the next attempt finds it, see above).
        throw recorded?.ok === false ? recorded.error : new Error('appendToStreams returned no outcome');
      },
    });
  }

  private register(complaintNumber: string, data: RegisterComplaintCommand['data'], context: RegisterComplaintCommand['context']) {
    return this.executor.execute(this.decider, complaintStreamId(complaintNumber), registration(complaintNumber, data), context, {
      mustBeNew: true,
    });
  }
}

/** Bounds the rounds of reading a claim another request moved on: each round means progress elsewhere. */
const MAX_CLAIM_ATTEMPTS = 10;

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
 * Records a customer notification under a new id, exactly once per Idempotency-Key (see
 * CommandExecutor.executeNew: the key's claim and the notification's first event in one append).
 */
@CommandHandler(RecordCustomerNotificationCommand)
export class RecordCustomerNotificationHandler implements ICommandHandler<RecordCustomerNotificationCommand, CommandResult & { readonly id: string }> {
  private readonly decider = createCustomerNotificationDecider();

  constructor(
    private readonly executor: CommandExecutor,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ data, context }: RecordCustomerNotificationCommand): Promise<CommandResult & { readonly id: string }> {
    // Decided once, so that every attempt (and a retry's fingerprint) carries the same time.
    const occurredAt = data.occurredAt ?? this.clock().toISOString();
    return this.executor.executeNew(
      this.decider,
      randomUUID,
      customerNotificationStreamId,
      (notificationId) => ({ type: 'RecordCustomerNotification' as const, data: { ...data, notificationId, occurredAt } }),
      context,
    );
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
