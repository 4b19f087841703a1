/**
 * The 8D report as the company's form (客户抱怨处理单 / 8D报告, DESIGN §9): the document a
 * supplier sends its customer and shows the auditor. It is a layout model — header, D1–D8
 * sections, approval block, customer reply — with every label in the chosen language and every
 * instant as a local date, built from the 8D evidence record; the renderers (workbook, page) only
 * place it on A4.
 */
import type { DocumentRevision } from '@qms/complaint-domain';
import type { HistoryActor } from '../history';
import type { ActionRecord, EightDReport, Trace } from '../eight-d/eight-d-report';
import { label, valueLabel, type FormLanguage, type LabelKey } from './labels';
import { localDate, localDateTime } from './local-time';

/** The form is a grid of this many equal columns; table columns and fields span some of them. */
export const FORM_GRID_COLUMNS = 8;

export interface FormField {
  readonly label: string;
  readonly value: string;
}

export interface FormColumn {
  readonly label: string;
  /** Grid columns spanned; a table's spans add up to FORM_GRID_COLUMNS. */
  readonly span: number;
}

export type FormBlock =
  /** Label/value pairs, two pairs to a line. */
  | { readonly kind: 'fields'; readonly fields: readonly FormField[] }
  /** A long text under its label, across the whole width. */
  | { readonly kind: 'text'; readonly label: string; readonly value: string }
  | {
      readonly kind: 'table';
      readonly caption: string | null;
      readonly columns: readonly FormColumn[];
      readonly rows: readonly (readonly string[])[];
      /** Shown in one line when there are no rows. */
      readonly empty: string;
    };

export interface FormSection {
  readonly id: 'D1' | 'D2' | 'D3' | 'D4' | 'D5' | 'D7' | 'D8' | 'approval' | 'reply';
  readonly title: string;
  readonly blocks: readonly FormBlock[];
}

export interface EightDForm {
  readonly lang: FormLanguage;
  readonly timeZone: string;
  readonly complaintNumber: string;
  readonly title: string;
  readonly subtitle: string;
  /** Local time of the state shown when it is an earlier one (`?at=`), else null. */
  readonly asOf: string | null;
  readonly printedAt: string;
  /** One line under the sections: when printed, as of when, in which time zone. */
  readonly footer: string;
  readonly header: readonly FormField[];
  readonly sections: readonly FormSection[];
}

export interface EightDFormOptions {
  readonly lang: FormLanguage;
  readonly timeZone: string;
  readonly printedAt: Date;
  readonly asOf?: Date | null;
}

export function buildEightDForm(report: EightDReport, options: EightDFormOptions): EightDForm {
  const { lang, timeZone } = options;
  const t = (key: LabelKey): string => label(key, lang);
  const v = (value: string | null): string => (value === null ? '' : valueLabel(value, lang));
  const at = (iso: string | null): string => localDateTime(iso, timeZone);
  const day = (iso: string | null): string => localDate(iso, timeZone);
  const yesNo = (value: boolean | null): string => (value === null ? '' : value ? t('yes') : t('no'));
  const who = (actor: HistoryActor | null): string => (actor === null ? '' : actor.userId);
  const orNone = (text: string): string => (text === '' ? t('none') : text);
  const d2 = report.D2;
  const deadlines = report.D0.deadlines;
  const registration = report.D0.registration;
  const analysis = report.D4.analyses.find((candidate) => candidate.current) ?? null;
  const responsibility = report.D4.responsibility;
  const actions = [...report.D5.correctiveActions, ...report.D7.preventiveActions];
  const implementation = report.D6.implementation;
  // Not ours (§6.2.4): sales explains and the complaint closes without actions or an 8D decision.
  const notOurs = responsibility?.responsibility === 'not_ours';
  const noActions = notOurs ? `${t('notApplicable')} (${v('not_ours')})` : t('pending');

  const header: FormField[] = [
    { label: t('complaintNumber'), value: report.complaintNumber ?? '' },
    { label: t('customer'), value: d2.customerId ?? '' },
    { label: t('partNo'), value: d2.partNo ?? '' },
    { label: t('contact'), value: d2.customerContact ?? '' },
    { label: t('lot'), value: d2.lot ?? '' },
    { label: t('receivedAt'), value: at(d2.receivedAt) },
    { label: t('severity'), value: v(registration?.severity ?? null) },
    { label: t('channel'), value: v(registration?.channel ?? null) },
    { label: t('quantityReported'), value: numberText(d2.quantityReported) },
    { label: t('quantityConfirmed'), value: numberText(d2.quantityConfirmed) },
    { label: t('returnNeeded'), value: yesNo(report.D0.emergencyResponse.returnNeeded) },
    { label: t('productionAffected'), value: yesNo(report.D0.emergencyResponse.customerProductionAffected) },
    { label: t('containmentDue'), value: at(deadlines.containmentDueAt) },
    { label: t('actionReplyDue'), value: at(deadlines.actionReplyDueAt) },
  ];
  if (deadlines.customerDeadline !== null) header.push({ label: t('customerDeadline'), value: at(deadlines.customerDeadline) });
  if (report.D0.reopenedFrom !== null) header.push({ label: t('reopenedFrom'), value: report.D0.reopenedFrom });

  const owners = unique(actions.map((action) => action.owner));
  const team: FormSection = {
    id: 'D1',
    title: t('d1'),
    blocks: [
      {
        kind: 'fields',
        fields: [
          { label: t('department'), value: report.D1.responsibleDepartment ?? t('pending') },
          { label: t('actionOwners'), value: orNone(owners.join(', ')) },
        ],
      },
      { kind: 'text', label: t('teamMembers'), value: orNone(report.D1.members.map((member) => `${member.userId} (${memberRole(member, lang)})`).join(', ')) },
    ],
  };

  const problem: FormSection = {
    id: 'D2',
    title: t('d2'),
    blocks: [{ kind: 'text', label: t('defectDescription'), value: d2.defectDescription ?? '' }],
  };

  const containment: FormSection = {
    id: 'D3',
    title: t('d3'),
    blocks: [
      {
        kind: 'table',
        caption: null,
        columns: [
          { label: t('when'), span: 1 },
          { label: t('action'), span: 4 },
          { label: t('quantitySecured'), span: 1 },
          { label: t('onTime'), span: 1 },
          { label: t('recordedBy'), span: 1 },
        ],
        rows: report.D3.containments.map((entry) => [
          at(entry.occurredAt),
          entry.description,
          numberText(entry.quantitySecured),
          yesNo(entry.onTime),
          who(entry.by),
        ]),
        empty: t('pending'),
      },
    ],
  };

  const rootCause: FormSection = {
    id: 'D4',
    title: t('d4'),
    blocks:
      analysis === null
        ? [{ kind: 'text', label: t('occurrence'), value: t('pending') }]
        : [
            {
              kind: 'fields',
              fields: [
                { label: t('category'), value: v(analysis.category) },
                { label: t('method'), value: v(analysis.method) },
              ],
            },
            { kind: 'text', label: t('occurrence'), value: analysis.description },
            { kind: 'text', label: t('escape'), value: analysis.escapeDescription ?? t('notRecorded') },
            { kind: 'text', label: t('explanation'), value: analysis.departmentExplanation },
            {
              kind: 'fields',
              fields: [
                { label: t('responsibility'), value: responsibility === null ? t('pending') : v(responsibility.responsibility) },
                { label: t('recordedBy'), value: responsibility === null ? '' : `${who(responsibility.by)} ${at(responsibility.occurredAt)}` },
              ],
            },
            ...(responsibility === null ? [] : [{ kind: 'text' as const, label: t('responsibilityReason'), value: responsibility.explanation }]),
          ],
  };

  const actionColumns: FormColumn[] = [
    { label: t('actionId'), span: 1 },
    { label: t('action'), span: 2 },
    { label: t('owner'), span: 1 },
    { label: t('dueAt'), span: 1 },
    { label: t('doneAt'), span: 1 },
    { label: t('verified'), span: 1 },
    { label: t('rescheduled'), span: 1 },
  ];
  const actionRow = (action: ActionRecord): string[] => {
    const steps = implementation.filter((step) => step.actionId === action.actionId);
    const done = steps.filter((step) => step.step === 'completed').at(-1) ?? null;
    const verified = steps.find((step) => step.step === 'verified_effective') ?? null;
    const reschedules = steps
      .filter((step) => step.step === 'rescheduled')
      .map((step) => `${day(step.previousDueAt)} → ${day(step.newDueAt)} (${rescheduleWhy(step.detail, lang)})`);
    const evidence = done === null ? '' : `\n(${t('evidence')}: ${done.detail})`;
    return [
      action.actionId,
      `${action.description}${evidence}`,
      action.owner,
      day(action.currentDueAt),
      done === null ? '' : at(done.occurredAt),
      verified === null ? '' : `${at(verified.occurredAt)} ${who(verified.by)}`,
      reschedules.join('\n'),
    ];
  };
  const submission = report.D5.planSubmissions.at(-1) ?? null;
  const corrective: FormSection = {
    id: 'D5',
    title: t('d5'),
    blocks: [
      { kind: 'table', caption: null, columns: actionColumns, rows: report.D5.correctiveActions.map(actionRow), empty: noActions },
      {
        kind: 'fields',
        fields: [
          { label: t('planSubmitted'), value: submission === null ? noActions : `${at(submission.occurredAt)} ${who(submission.by)}` },
          { label: t('onTime'), value: submission === null ? '' : yesNo(submission.onTime) },
        ],
      },
      {
        kind: 'table',
        caption: t('systemic'),
        columns: [
          { label: t('actionId'), span: 1 },
          { label: t('similarProducts'), span: 2 },
          { label: t('similarProcesses'), span: 1 },
          { label: t('pfmea'), span: 2 },
          { label: t('controlPlan'), span: 2 },
        ],
        rows: report.D7.systemic.map((review) => [
          review.actionId,
          similar(review.similarProductsCovered, review.noSimilarItemsReason, t),
          orNone(review.similarProcessesCovered.join(', ')),
          revisionText(review.pfmea, t),
          revisionText(review.controlPlan, t),
        ]),
        empty: noActions,
      },
    ],
  };

  const waiverApproved = report.D7.waiver.filter((step) => step.step === 'approved').at(-1) ?? null;
  const waiverRequested = report.D7.waiver.filter((step) => step.step === 'requested').at(-1) ?? null;
  const preventive: FormSection = {
    id: 'D7',
    title: t('d7'),
    blocks: [
      ...(report.D7.preventiveActions.length > 0 || waiverRequested === null
        ? [{ kind: 'table' as const, caption: null, columns: actionColumns, rows: report.D7.preventiveActions.map(actionRow), empty: noActions }]
        : []),
      ...(waiverRequested === null
        ? []
        : [
            { kind: 'text' as const, label: t('waiver'), value: `${t('waiverReason')}: ${waiverRequested.text ?? ''}` },
            {
              kind: 'fields' as const,
              fields: [
                { label: t('approvedBy'), value: waiverApproved === null ? t('pending') : who(waiverApproved.by) },
                { label: t('approvedAt'), value: waiverApproved === null ? '' : at(waiverApproved.occurredAt) },
                ...(waiverApproved?.text ? [{ label: t('comment'), value: waiverApproved.text }] : []),
              ],
            },
          ]),
    ],
  };

  const closure = report.D8.closures.at(-1) ?? null;
  const verifications = implementation
    .filter((step) => step.step === 'verified_effective')
    .map((step) => `${step.actionId} ${v('effective')} ${at(step.occurredAt)} ${who(step.by)}${step.detail === '' ? '' : `: ${step.detail}`}`);
  const verification: FormSection = {
    id: 'D8',
    title: t('d8'),
    blocks: [
      { kind: 'text', label: t('verification'), value: verifications.length === 0 ? noActions : verifications.join('\n') },
      {
        kind: 'fields',
        fields: [
          { label: t('closedAt'), value: closure === null ? t('pending') : at(closure.occurredAt) },
          { label: t('closeResult'), value: closure === null ? '' : v(closure.result) },
          ...(report.D8.reopenings.length > 0
            ? [{ label: t('reopenedAs'), value: report.D8.reopenings.map((reopening) => `${reopening.reopenedAs} ${at(reopening.occurredAt)}`).join(', ') }]
            : []),
        ],
      },
      ...(closure?.remarks ? [{ kind: 'text' as const, label: t('remarks'), value: closure.remarks }] : []),
    ],
  };

  const approvals: string[][] = [
    signature(t('preparedBy'), submission, null, who, at),
    ...report.D5.decisions.map((decision) =>
      signature(decision.outcome === 'approved' ? t('decision') : `${t('decision')} (${t('rejected')})`, decision, decision.text, () => decision.decidedBy, at),
    ),
    ...(waiverApproved === null ? [] : [signature(t('waiver'), waiverApproved, waiverApproved.text, who, at)]),
  ];
  if (!report.D5.decisions.some((decision) => decision.outcome === 'approved')) approvals.push([t('decision'), noActions, '', '']);
  const approval: FormSection = {
    id: 'approval',
    title: t('approval'),
    blocks: [
      {
        kind: 'table',
        caption: null,
        columns: [
          { label: t('approvalStep'), span: 2 },
          { label: t('approvedBy'), span: 2 },
          { label: t('approvedAt'), span: 2 },
          { label: t('decisionText'), span: 2 },
        ],
        rows: approvals,
        empty: t('pending'),
      },
    ],
  };

  const reply: FormSection = {
    id: 'reply',
    title: t('reply'),
    blocks: [
      {
        kind: 'table',
        caption: null,
        columns: [
          { label: t('repliedAt'), span: 2 },
          { label: t('repliedBy'), span: 1 },
          { label: t('message'), span: 5 },
        ],
        rows: report.D8.customerReplies.map((entry) => [at(entry.occurredAt), who(entry.by), entry.message]),
        empty: t('pending'),
      },
    ],
  };

  const printedAt = at(options.printedAt.toISOString());
  const asOf = options.asOf ? at(options.asOf.toISOString()) : null;
  const footer = [
    `${t('printed')} ${printedAt}`,
    ...(asOf === null ? [] : [`${t('asOf')} ${asOf}`]),
    `${t('timeZone')} ${timeZone}`,
  ].join(' · ');
  return {
    lang,
    timeZone,
    complaintNumber: report.complaintNumber ?? '',
    title: t('formTitle'),
    subtitle: t('formSubtitle'),
    asOf,
    printedAt,
    footer,
    header,
    sections: [team, problem, containment, rootCause, corrective, preventive, verification, approval, reply],
  };
}

function signature(
  role: string,
  trace: Trace | null,
  text: string | null,
  who: (actor: HistoryActor | null) => string,
  at: (iso: string | null) => string,
): string[] {
  if (trace === null) return [role, '', '', ''];
  return [role, who(trace.by), at(trace.occurredAt), text ?? ''];
}

function numberText(value: number | null): string {
  return value === null ? '' : String(value);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function memberRole(member: HistoryActor, lang: FormLanguage): string {
  const role = valueLabel(member.role, lang);
  return member.department === undefined ? role : `${role} ${member.department}`;
}

/** The evidence record writes `reason: comment`; the form shows the reason in words. */
function rescheduleWhy(detail: string, lang: FormLanguage): string {
  const [reason = '', ...comment] = detail.split(': ');
  const words = valueLabel(reason, lang);
  return comment.length === 0 ? words : `${words}: ${comment.join(': ')}`;
}

function similar(products: readonly string[], noSimilarReason: string | null, t: (key: LabelKey) => string): string {
  if (products.length > 0) return products.join(', ');
  return noSimilarReason === null ? t('none') : `${t('none')} — ${noSimilarReason}`;
}

function revisionText(revision: DocumentRevision | null, t: (key: LabelKey) => string): string {
  if (revision === null) return t('notRecorded');
  return revision.revised ? `${t('revised')}: ${revision.revision}` : `${t('notRevised')}: ${revision.reason}`;
}
