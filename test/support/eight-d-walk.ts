/** A POST as a role that fails the test on any answer but success. */
export type PostAs = (url: string, key: string, body: unknown) => Promise<unknown>;

/**
 * One complaint's 8D from assignment to closure, each step by the role that owns it, with business
 * times in March 2026: assembly's worn die, a corrective action with its similar products, PFMEA
 * and control plan (D7), a preventive action, the plan approved, both actions done and verified
 * effective, the 8D sent to the customer, then closed with `closingRemarks`.
 */
export async function walkThrough8D(post: PostAs, complaintNumber: string, closingRemarks: string): Promise<void> {
  const on = (step: string) => `/complaints/${complaintNumber}/${step}`;
  await post(on('assignment'), 'dev-quality', { department: 'assembly', occurredAt: '2026-03-06T11:00:00Z' });
  await post(on('containment'), 'dev-quality', { description: '100 % sort of stock', quantitySecured: 480, occurredAt: '2026-03-07T01:00:00Z' });
  await post(on('root-cause'), 'dev-department-assembly', { category: 'machine', method: 'five_why', description: 'worn die', departmentExplanation: 'die past its life', occurredAt: '2026-03-08T01:00:00Z' });
  await post(on('responsibility'), 'dev-quality', { responsibility: 'ours', explanation: 'die maintenance missed', occurredAt: '2026-03-08T02:00:00Z' });
  await post(on('corrective-actions'), 'dev-department-assembly', {
    description: 'replace die',
    owner: 'Wu',
    dueAt: '2026-04-30',
    similarProductsCovered: ['P-101'],
    similarProcessesCovered: [],
    pfmea: { revised: true, revision: 'PFMEA-12 rev C' },
    controlPlan: { revised: false, reason: 'inspection already in the control plan' },
    occurredAt: '2026-03-09T01:00:00Z',
  });
  await post(on('preventive-actions'), 'dev-department-assembly', { description: 'die life counter', owner: 'Wu', dueAt: '2026-05-30', occurredAt: '2026-03-09T02:00:00Z' });
  await post(on('action-plan/submission'), 'dev-department-assembly', { occurredAt: '2026-03-09T03:00:00Z' });
  await post(on('8d-decision/approval'), 'dev-management', { decision: 'replace the die and count strokes', occurredAt: '2026-03-10T01:00:00Z' });
  for (const actionId of ['CA-1', 'PA-1']) {
    await post(on(`actions/${actionId}/completion`), 'dev-department-assembly', { evidence: `${actionId} done`, occurredAt: '2026-03-20T01:00:00Z' });
    await post(on(`actions/${actionId}/verification`), 'dev-quality', { result: 'effective', occurredAt: '2026-03-25T01:00:00Z' });
  }
  await post(on('customer-reply'), 'dev-sales', { message: '8D report attached', occurredAt: '2026-03-26T01:00:00Z' });
  await post(on('closure'), 'dev-quality', { remarks: closingRemarks, occurredAt: '2026-03-27T01:00:00Z' });
}
