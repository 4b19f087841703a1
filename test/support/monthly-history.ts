import type { TestApp } from './test-app';

/**
 * A year of a small supplier's history (December 2025 – November 2026, Shanghai time) entered
 * through the commands: four customers, four deliveries per customer and month (a few late), two
 * to five complaints a month with a skewed mix of defects, parts and causes (so a Pareto has a
 * head and a tail), most handled to closure and some left open, and two returns in the last month.
 * Deterministic: the same history every run.
 */
export const HISTORY_MONTHS = [
  '2025-12',
  '2026-01',
  '2026-02',
  '2026-03',
  '2026-04',
  '2026-05',
  '2026-06',
  '2026-07',
  '2026-08',
  '2026-09',
  '2026-10',
  '2026-11',
] as const;
export const HISTORY_LAST_MONTH = '2026-11';
export const HISTORY_CUSTOMERS = ['ACME', 'NORTHWIND', 'CONTOSO', 'FABRIKAM'] as const;

const PARTS: Record<(typeof HISTORY_CUSTOMERS)[number], readonly string[]> = {
  ACME: ['P-100', 'P-110'],
  NORTHWIND: ['P-200'],
  CONTOSO: ['P-310', 'P-320'],
  FABRIKAM: ['P-420'],
};
const DEFECTS = [
  '毛刺 Burr on flange edge',
  '尺寸超差 Bore diameter out of tolerance',
  '划伤 Scratch on visible surface',
  '漏装卡扣 Missing clip',
  '锈蚀 Rust spots',
  '混料 Mixed parts in one box',
] as const;
const DEFECT_SEQUENCE = [0, 1, 0, 2, 0, 1, 3, 0, 2, 1, 4, 0, 5, 1, 2] as const;
const CAUSES = ['machine', 'method', 'man', 'material', 'measurement', 'environment'] as const;
const CAUSE_SEQUENCE = [0, 1, 0, 2, 0, 3, 1, 0, 4, 2, 5, 0] as const;
const DEPARTMENTS = ['assembly', 'molding'] as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface SeededHistory {
  /** Global position of the last event written. */
  readonly position: number;
  readonly complaints: number;
}

/** A fixed pseudo-random sequence (a linear congruential generator): the same "random" history every run. */
function sequenceFrom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

export async function seedMonthlyHistory(api: Pick<TestApp, 'request'>): Promise<SeededHistory> {
  let position = 0;
  const post = async (url: string, key: string, body: unknown): Promise<{ complaintNumber?: string; returnId?: string }> => {
    const response = await api.request('POST', url, { key, body });
    if (response.status >= 300) throw new Error(`POST ${url} as ${key}: ${response.status} ${response.text}`);
    position = Math.max(position, Number(response.body.position ?? 0));
    return response.body;
  };
  const at = (base: number, offset: number) => new Date(base + offset).toISOString();
  const random = sequenceFrom(20_261_130);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  // Deliveries: four per customer and month, about one in twenty two days late.
  for (const month of HISTORY_MONTHS) {
    for (const [customerIndex, customerId] of HISTORY_CUSTOMERS.entries()) {
      for (const [lineIndex, day] of [5, 12, 19, 24].entries()) {
        const late = random() < 0.025;
        await post('/deliveries', 'dev-sales', {
          customerId,
          orderNo: `SO-${month.replace('-', '')}-${customerIndex}${lineIndex}`,
          lineNo: '10',
          partNo: PARTS[customerId][lineIndex % PARTS[customerId].length],
          quantity: 25_000 + 1_000 * Math.floor(random() * 25),
          promisedDate: `${month}-${String(day).padStart(2, '0')}`,
          deliveredAt: `${month}-${String(late ? day + 2 : day - 1).padStart(2, '0')}T15:00:00+08:00`,
          premiumFreight: late && random() < 0.5,
        });
      }
    }
  }

  // Complaints: two to five a month; defects, parts and causes drawn from skewed lists.
  let sequence = 0;
  for (const [monthIndex, month] of HISTORY_MONTHS.entries()) {
    const count = 2 + Math.floor(random() * 4);
    for (let index = 0; index < count; index++) {
      const n = sequence++;
      const customerId = pick(['ACME', 'ACME', 'NORTHWIND', 'CONTOSO', 'CONTOSO', 'FABRIKAM'] as const);
      const day = String(2 + index * 5 + Math.floor(random() * 4)).padStart(2, '0');
      const received = Date.parse(`${month}-${day}T09:30:00+08:00`);
      const department = pick(DEPARTMENTS);
      const departmentKey = `dev-department-${department}`;
      const quantity = 2 + Math.floor(random() * 12);
      const { complaintNumber } = await post('/complaints', 'dev-sales', {
        customerId,
        customerContact: 'Li Wei',
        partNo: pick(PARTS[customerId]),
        lot: `L-${month.replace('-', '')}-${index + 1}`,
        defectDescription: DEFECTS[pick(DEFECT_SEQUENCE)],
        quantityAffected: quantity,
        severity: random() < 0.25 ? 'urgent' : 'normal',
        channel: 'email',
        receivedAt: at(received, 0),
        occurredAt: at(received, 0),
        returnNeeded: false,
        customerProductionAffected: false,
      });
      const on = (step: string) => `/complaints/${complaintNumber}/${step}`;
      await post(on('assignment'), 'dev-quality', { department, occurredAt: at(received, 2 * HOUR) });
      // About one in six is contained late (three days instead of a few hours).
      await post(on('containment'), 'dev-quality', { description: '100 % sort of stock and in transit', quantitySecured: 400, occurredAt: at(received, random() < 0.17 ? 3 * DAY : 6 * HOUR) });
      // The month's later complaints are still being analysed at its end.
      if (month === HISTORY_LAST_MONTH && index > 0) continue;
      const category = CAUSES[pick(CAUSE_SEQUENCE)];
      await post(on('root-cause'), departmentKey, { category, method: 'five_why', description: `${category} cause`, departmentExplanation: 'five-why analysis', occurredAt: at(received, DAY) });
      const ours = random() < 0.85;
      await post(on('responsibility'), 'dev-quality', {
        responsibility: ours ? 'ours' : 'not_ours',
        explanation: ours ? 'confirmed on returned samples' : 'damage in customer handling',
        occurredAt: at(received, DAY + HOUR),
      });
      const closes = month !== HISTORY_LAST_MONTH && (monthIndex < 9 || random() < 0.6) && random() < 0.9;
      if (!ours) {
        await post(on('customer-reply'), 'dev-sales', { message: 'explained: handling damage at the customer', occurredAt: at(received, 2 * DAY) });
        if (closes) await post(on('closure'), 'dev-quality', { remarks: 'customer accepted', occurredAt: at(received, 3 * DAY) });
        continue;
      }
      const due = new Date(received + 30 * DAY).toISOString().slice(0, 10);
      await post(on('corrective-actions'), departmentKey, {
        description: 'fix the process',
        owner: 'Wu Lei',
        dueAt: due,
        similarProductsCovered: [],
        similarProcessesCovered: [],
        noSimilarItemsReason: 'no similar part on this line',
        pfmea: { revised: true, revision: `PFMEA-${n} rev B` },
        controlPlan: { revised: false, reason: 'inspection already in the control plan' },
        occurredAt: at(received, DAY + 2 * HOUR),
      });
      await post(on('preventive-actions'), departmentKey, { description: 'extend to the sister line', owner: 'Wu Lei', dueAt: due, occurredAt: at(received, DAY + 3 * HOUR) });
      // One plan in eight is submitted after the three working days.
      await post(on('action-plan/submission'), departmentKey, { occurredAt: at(received, random() < 0.125 ? 6 * DAY : 2 * DAY) });
      if (!closes) continue;
      await post(on('8d-decision/approval'), 'dev-management', { decision: 'approved as planned', occurredAt: at(received, 7 * DAY) });
      const doneAfter = (12 + Math.floor(random() * 22)) * DAY;
      for (const actionId of ['CA-1', 'PA-1']) {
        await post(on(`actions/${actionId}/completion`), departmentKey, { evidence: `${actionId} done`, occurredAt: at(received, doneAfter) });
        await post(on(`actions/${actionId}/verification`), 'dev-quality', { result: 'effective', occurredAt: at(received, doneAfter + DAY) });
      }
      await post(on('customer-reply'), 'dev-sales', { message: '8D report attached', occurredAt: at(received, doneAfter + 2 * DAY) });
      await post(on('closure'), 'dev-quality', { remarks: 'effective', occurredAt: at(received, doneAfter + 3 * DAY) });
    }
  }
  // Two returns in the last month: one with defects, one with no trouble found.
  for (const [index, defective] of [3, 0].entries()) {
    const { returnId } = await post('/returns', 'dev-warehouse', {
      receivingNoteNo: `RN-2026-11-${index + 1}`,
      customerId: HISTORY_CUSTOMERS[index]!,
      items: [{ itemNo: 1, materialNo: 'M-100', quantity: 10 }],
      occurredAt: `2026-11-1${index + 2}T10:00:00+08:00`,
    });
    await post(`/returns/${returnId}/inspection`, 'dev-quality', {
      items: [{ itemNo: 1, defectiveQuantity: defective }],
      ...(defective > 0 ? { responsibility: 'ours' } : {}),
      findings: defective > 0 ? 'burr on flange' : 'no trouble found',
      occurredAt: `2026-11-1${index + 3}T10:00:00+08:00`,
    });
  }
  return { position, complaints: sequence };
}
