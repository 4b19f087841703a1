import type { RegisterComplaint, ReopenFacts } from './commands';
import type { Complaint } from './state';

/**
 * The registration of the complaint a reopening opens (§6.3.2), received when the customer voiced
 * the dissatisfaction. The customer's new facts (quantity, lot, description, deadline) replace
 * the original's; everything else — customer, contact, part, severity, channel — is copied.
 * `reopenedAs` is `nextReopenNumber(original)`; the domain checks that it extends the original's.
 */
export function registrationForReopen(
  original: Complaint,
  reopenedAs: string,
  occurredAt: string,
  facts: ReopenFacts = {},
): RegisterComplaint {
  return {
    type: 'RegisterComplaint',
    data: {
      complaintNumber: reopenedAs,
      reopenedFrom: original.number,
      customerId: original.customerId,
      customerContact: original.customerContact,
      partNo: original.partNo,
      lot: facts.lot ?? original.lot,
      defectDescription: facts.defectDescription ?? original.defectDescription,
      quantityAffected: facts.quantityAffected ?? Math.max(original.quantityAffected, 1),
      severity: original.severity,
      channel: original.channel,
      receivedAt: occurredAt,
      returnNeeded: original.returnNeeded,
      customerProductionAffected: original.customerProductionAffected,
      customerDeadline: facts.customerDeadline ?? null,
      occurredAt,
    },
  };
}
