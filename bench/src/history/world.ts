import type { Actor } from '@qms/domain-kernel';
import {
  createComplaintDecider,
  createCustomerNotificationDecider,
  type ComplaintDecider,
  type CustomerNotificationDecider,
} from '@qms/complaint-domain';
import { createDeliveryDecider, type DeliveryDecider } from '@qms/delivery-domain';
import { createReturnDecider, type ReturnDecider } from '@qms/return-domain';
import { createSurveyDecider, type SurveyDecider } from '@qms/survey-domain';
import type { HistoryWriter } from './history-writer';
import { type Random, WeightedChoice } from './random';
import { DAY, HOUR, type Simulation } from './simulation';
import { CONTACT_NAMES, DEPARTMENTS } from './vocabulary';

/** The full-size history of the issue; `--scale` multiplies every count but the survey calendar. */
export interface HistorySizes {
  readonly customers: number;
  readonly complaints: number;
  readonly returns: number;
  readonly deliveries: number;
  readonly notifications: number;
}

export function sizesFor(scale: number): HistorySizes {
  const of = (full: number, minimum: number) => Math.max(minimum, Math.round(full * scale));
  return {
    customers: of(1_000, 20),
    complaints: of(100_000, 50),
    returns: of(50_000, 25),
    deliveries: of(1_000_000, 500),
    notifications: of(2_000, 5),
  };
}

/**
 * Five years of business, ending before the day the benchmark runs, so that commands sent over
 * HTTP afterwards (business time = now) come after every stored event. Local days are counted
 * in Asia/Shanghai (UTC+8, no daylight saving), the default deadline policy's zone.
 */
export const HISTORY_START = Date.parse('2021-11-01T00:00:00+08:00');
export const HISTORY_END = Date.parse('2026-11-01T00:00:00+08:00');
const UTC_OFFSET = 8 * HOUR;

export function localDate(time: number): string {
  return new Date(time + UTC_OFFSET).toISOString().slice(0, 10);
}

/** Midnight local time of the day `time` falls in. */
export function localMidnight(time: number): number {
  return Math.floor((time + UTC_OFFSET) / DAY) * DAY - UTC_OFFSET;
}

export function iso(time: number): string {
  return new Date(time).toISOString();
}

export interface Customer {
  readonly id: string;
  /** 'YYYY-MM-DD'. */
  readonly relationshipStart: string;
  readonly parts: readonly string[];
  readonly contacts: readonly string[];
}

export interface Deciders {
  readonly complaint: ComplaintDecider;
  readonly notification: CustomerNotificationDecider;
  readonly returns: ReturnDecider;
  readonly delivery: DeliveryDecider;
  readonly survey: SurveyDecider;
}

/** Everything the processes share. */
export class World {
  readonly deciders: Deciders = {
    complaint: createComplaintDecider(),
    notification: createCustomerNotificationDecider(),
    returns: createReturnDecider(),
    delivery: createDeliveryDecider(),
    survey: createSurveyDecider(),
  };
  readonly customers: Customer[];
  readonly customerChoice: WeightedChoice<Customer>;
  readonly departmentChoice = new WeightedChoice(
    DEPARTMENTS.map(([name, weight]) => [name, weight] as const),
  );
  /** Complaints left in action planning for the HTTP benchmark's add-action requests, per department. */
  readonly actionPlanningPool = new Map<string, string[]>();
  readonly tally = {
    complaintsRegistered: 0,
    reopened: 0,
    closed: 0,
    returns: 0,
    deliveries: 0,
    notifications: 0,
    surveyResponses: 0,
  };
  private readonly complaintSequences = new Map<number, number>();
  private readonly counters = new Map<string, number>();

  constructor(
    readonly random: Random,
    readonly sim: Simulation,
    readonly writer: HistoryWriter,
    readonly sizes: HistorySizes,
  ) {
    this.customers = Array.from({ length: sizes.customers }, (_, index) => this.newCustomer(index));
    // A few large customers account for most complaints and deliveries (Zipf-like).
    this.customerChoice = new WeightedChoice(
      this.customers.map((customer, index) => [customer, 1 / (index + 1) ** 0.8] as const),
    );
  }

  get now(): number {
    return this.sim.now;
  }

  /** Gap-free per year of the local received date, as the API's allocator numbers them. */
  nextComplaintSequence(year: number): number {
    const next = (this.complaintSequences.get(year) ?? 0) + 1;
    this.complaintSequences.set(year, next);
    return next;
  }

  /** A running number for receiving notes, orders, rework orders… */
  next(counter: string): number {
    const next = (this.counters.get(counter) ?? 0) + 1;
    this.counters.set(counter, next);
    return next;
  }

  readonly actors = {
    sales: (): Actor => ({ userId: `sales.${this.random.int(1, 6)}`, role: 'sales' }),
    quality: (): Actor => ({ userId: `quality.${this.random.int(1, 4)}`, role: 'quality' }),
    department: (department: string): Actor => ({
      userId: `${department}.lead`,
      role: 'department',
      department,
    }),
    management: (): Actor => ({ userId: 'gm', role: 'management' }),
    warehouse: (): Actor => ({ userId: `warehouse.${this.random.int(1, 2)}`, role: 'warehouse' }),
    planning: (): Actor => ({ userId: `pmc.${this.random.int(1, 2)}`, role: 'planning' }),
  };

  /** A delay in [min, max) of the given unit. */
  wait(min: number, max: number, unit = DAY): number {
    return Math.round(this.random.uniform(min, max) * unit);
  }

  private newCustomer(index: number): Customer {
    const { random } = this;
    const established = random.chance(0.85);
    const start = established
      ? random.uniform(Date.parse('2000-01-01T00:00:00Z'), HISTORY_START - 400 * DAY)
      : random.uniform(HISTORY_START, HISTORY_END - 120 * DAY);
    const partCount = random.int(5, 40);
    const firstPart = 10_000 + index * 7;
    return {
      id: `C${String(index + 1).padStart(4, '0')}`,
      relationshipStart: localDate(start),
      parts: Array.from({ length: partCount }, (_, part) => `P-${firstPart + part * 3}`),
      contacts: random.some(CONTACT_NAMES, random.int(1, 3)),
    };
  }
}
