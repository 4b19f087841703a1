/** One delivered order line as the ERP reports it. The actor arrives in the decision context. */
export interface RecordDelivery {
  readonly type: 'RecordDelivery';
  readonly customerId: string;
  readonly orderNo: string;
  readonly lineNo: string;
  readonly partNo: string;
  readonly quantity: number;
  /** 'YYYY-MM-DD'. */
  readonly promisedDate: string;
  /** ISO-8601 with offset; becomes the event's business time. */
  readonly deliveredAt: string;
  readonly premiumFreight?: boolean;
}

/** Changes some facts of a recorded line; the reason is kept for the audit trail. */
export interface CorrectDelivery {
  readonly type: 'CorrectDelivery';
  readonly orderNo: string;
  readonly lineNo: string;
  readonly changes: {
    readonly customerId?: string;
    readonly partNo?: string;
    readonly quantity?: number;
    readonly promisedDate?: string;
    readonly deliveredAt?: string;
    readonly premiumFreight?: boolean;
  };
  readonly reason: string;
  /** Business time of the correction; defaults to the decision's `now`. */
  readonly occurredAt?: string;
}

export type DeliveryCommand = RecordDelivery | CorrectDelivery;
export type DeliveryCommandType = DeliveryCommand['type'];
