import { z } from 'zod';
import { isCalendarDate } from '@qms/domain-kernel';
import { KPI_NAMES } from '@qms/reporting';
import { SURVEY_DIMENSIONS } from '@qms/survey-domain';

/**
 * The shape of QMS_POLICY_FILE. Every object is strict: a misspelt key is refused at start-up
 * rather than silently ignored. Rules that need the whole policy (time zones, calendars, scales)
 * stay with the domain's own validators, called by the section loaders.
 */
const positiveNumber = z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' });
const positiveInteger = z
  .number({ error: 'expected a positive integer' })
  .int({ error: 'expected a positive integer' })
  .positive({ error: 'expected a positive integer' });
const countOfDays = z
  .number({ error: 'expected a whole number of days (0 or more)' })
  .int({ error: 'expected a whole number of days (0 or more)' })
  .min(0, { error: 'expected a whole number of days (0 or more)' });
const text = z.string({ error: 'expected a non-empty string' }).trim().min(1, { error: 'expected a non-empty string' });
const calendarDate = z.string({ error: 'expected a date YYYY-MM-DD' }).refine(isCalendarDate, { error: 'expected a date YYYY-MM-DD' });
const dates = z.array(calendarDate, { error: 'expected a list of dates YYYY-MM-DD' });

const deadlineOverride = z.strictObject({
  id: text.optional(),
  containmentHours: positiveNumber.optional(),
  actionReplyWorkingDays: positiveInteger.optional(),
  variant: z.enum(['fixed', 'by_severity'], { error: 'expected "fixed" or "by_severity"' }).optional(),
  bySeverity: z
    .strictObject({
      urgentDays: positiveInteger,
      normalDays: positiveInteger,
      count: z.enum(['working_days', 'calendar_days'], { error: 'expected "working_days" or "calendar_days"' }),
    })
    .partial()
    .optional(),
  timeZone: text.optional(),
  calendar: z
    .strictObject({
      weekendDays: z.array(z.number().int().min(0).max(6), { error: 'expected a list of days 0 (Sunday) … 6 (Saturday)' }),
      holidays: dates,
      extraWorkingDays: dates,
    })
    .partial()
    .optional(),
});

const kpiTargets = z
  .strictObject(Object.fromEntries(KPI_NAMES.map((name) => [name, z.number({ error: 'expected a number or null' }).nullable()])) as Record<
    (typeof KPI_NAMES)[number],
    z.ZodNullable<z.ZodNumber>
  >)
  .partial();

const reporting = z
  .strictObject({
    timeZone: text,
    repeatWindowDays: countOfDays,
    onTimeDeliveryWindowDays: countOfDays,
    targets: kpiTargets,
    customerTargets: z.record(z.string(), kpiTargets),
    csi: z
      .strictObject({
        weights: z
          .strictObject(
            Object.fromEntries(SURVEY_DIMENSIONS.map((dimension) => [dimension, z.number({ error: 'expected a weight (number 0 or more)' }).min(0)])) as Record<
              (typeof SURVEY_DIMENSIONS)[number],
              z.ZodNumber
            >,
          )
          .partial(),
        target: z.number({ error: 'expected a percentage' }),
        targetByYear: z.record(z.string().regex(/^\d{4}$/, { error: 'expected a year YYYY' }), z.number({ error: 'expected a percentage' })),
        benchmark: z.number({ error: 'expected a number or null' }).nullable(),
      })
      .partial(),
  })
  .partial();

const surveyPeriod = z.strictObject({
  code: z.string().regex(/^[A-Z0-9]+$/, { error: 'expected upper-case letters and digits' }),
  coversFromMonth: z.number().int().min(1).max(12),
  coversToMonth: z.number().int().min(1).max(12),
  issueMonthDay: z.string().regex(/^\d{2}-\d{2}$/, { error: 'expected MM-DD' }),
});

const surveys = z
  .strictObject({
    calendar: z.union([z.enum(['half-yearly', 'quarterly']), z.strictObject({ periods: z.array(surveyPeriod).min(1) })], {
      error: 'expected "half-yearly", "quarterly" or { "periods": [...] }',
    }),
    scale: z.strictObject({ min: z.number(), max: z.number() }),
    dissatisfiedBelow: z.number({ error: 'expected a number' }),
    requireApprovedCountermeasures: z.boolean({ error: 'expected true or false' }),
    customers: z.array(z.strictObject({ customerId: text, relationshipStart: calendarDate })),
  })
  .partial();

const deliveries = z
  .strictObject({
    csvDelimiter: z.enum([',', ';', '\t', '|'], { error: 'expected one of "," ";" "\\t" "|"' }),
  })
  .partial();

export const policyFileSchema = z.strictObject(
  {
    deadlines: z.strictObject({ default: deadlineOverride.optional(), customers: z.record(z.string(), deadlineOverride).optional() }).optional(),
    reporting: reporting.optional(),
    surveys: surveys.optional(),
    deliveries: deliveries.optional(),
  },
  { error: 'expected a JSON object' },
);

export type PolicyFile = z.output<typeof policyFileSchema>;
