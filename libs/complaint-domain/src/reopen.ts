import type { RegisterComplaint } from './commands';
import type { Complaint } from './state';

/**
 * The registration of the complaint a reopening opens (§6.3.2): same customer, part, lot and
 * defect, received when the customer voiced the dissatisfaction. `reopenedAs` is
 * `nextReopenNumber(original)`. The caller may adjust the intake before deciding it on the new
 * stream; the domain checks that the number extends the original's.
 */
export function registrationForReopen(original: Complaint, reopenedAs: string, occurredAt: string): RegisterComplaint {
  return {
    type: 'RegisterComplaint',
    data: {
      complaintNumber: reopenedAs,
      reopenedFrom: original.number,
      customerId: original.customerId,
      customerContact: original.customerContact,
      partNo: original.partNo,
      lot: original.lot,
      defectDescription: original.defectDescription,
      quantityAffected: Math.max(original.quantityAffected, 1),
      severity: original.severity,
      channel: original.channel,
      receivedAt: occurredAt,
      returnNeeded: original.returnNeeded,
      customerProductionAffected: original.customerProductionAffected,
      customerDeadline: null,
      occurredAt,
    },
  };
}
