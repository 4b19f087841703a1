import { z } from 'zod';
import { answer, count, describing, instant, logPosition, monthKey } from '../../../http/response-schemas';
import type { ComplaintBreakdownsController } from './complaint-breakdowns.controller';
import { PARETO_DIMENSIONS } from './complaint-breakdowns';

type Served<M extends 'pareto' | 'openAge'> = Awaited<ReturnType<ComplaintBreakdownsController[M]>>;

const quantity = () => z.number().nonnegative();

export const ParetoAnswer = answer(
  'ComplaintPareto',
  describing<Served<'pareto'>>()(
    z.strictObject({
      position: logPosition(),
      month: monthKey(),
      from: monthKey().meta({ description: 'First month counted (months= before month)' }),
      by: z.enum(PARETO_DIMENSIONS),
      customerId: z.string().nullable(),
      periodStart: instant(),
      periodEnd: instant(),
      complaints: count(),
      quantity: quantity(),
      items: z
        .array(
          z.strictObject({
            key: z.string().meta({ description: 'Defect description, part number, customer id or cause category (not_analysed before the root cause)' }),
            complaints: count(),
            quantity: quantity(),
            cumulativePercent: z.number().min(0).max(100),
          }),
        )
        .meta({ description: 'By complaints, then quantity (both descending), then key' }),
      others: z
        .strictObject({ items: count(), complaints: count(), quantity: quantity() })
        .nullable()
        .meta({ description: 'What the items beyond limit add up to; null when every item is listed' }),
    }),
  ),
  'Pareto of the complaints received in the month (or the months to it)',
);

export const OpenAgeAnswer = answer(
  'ComplaintOpenAge',
  describing<Served<'openAge'>>()(
    z.strictObject({
      position: logPosition(),
      month: monthKey(),
      customerId: z.string().nullable(),
      asOf: instant().meta({ description: 'The end of the month' }),
      open: count(),
      buckets: z.array(
        z.strictObject({
          bucket: z.enum(['0-7', '8-14', '15-30', '>30']),
          fromDays: count(),
          toDays: count().nullable().meta({ description: 'null: no upper bound' }),
          complaints: count(),
          urgent: count(),
        }),
      ),
    }),
  ),
  'Complaints (8Ds) open at the end of the month by days open',
);
