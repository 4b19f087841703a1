import { ApiPropertyOptional } from '@nestjs/swagger';
import { AS_OF_BASES, type AsOfBasis, type AsOfPoint } from '@qms/audit';
import { ValidationError } from '@qms/domain-kernel';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { INSTANT_PATTERN, IsInstant, QueryInteger } from '../http/dto-validators';

export const MAX_PAGE_SIZE = 1000;

export class HistoryQuery {
  @QueryInteger({ minimum: 1, default: 1 }) page?: number;
  @QueryInteger({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 })
  pageSize?: number;
}

export class AsOfQuery {
  @ApiPropertyOptional({ description: 'An instant with an offset or Z; give this or revision', example: '2026-03-10T00:00:00Z', pattern: INSTANT_PATTERN })
  @IsOptional()
  @IsString()
  @IsInstant()
  at?: string;

  @QueryInteger({ minimum: 0, description: 'The state after this revision; give this or at' })
  revision?: number;

  @ApiPropertyOptional({
    enum: AS_OF_BASES,
    default: 'recorded',
    description:
      'Which time `at` means. recorded (default): what the record said at that instant, as committed then. ' +
      'business: what had happened by then (occurredAt) as known today, including steps back-dated later.',
  })
  @IsOptional()
  @IsIn(AS_OF_BASES)
  basis?: AsOfBasis;
}

export function asOfPoint(query: AsOfQuery): AsOfPoint {
  const hasAt = query.at !== undefined;
  const hasRevision = query.revision !== undefined;
  if (hasAt === hasRevision) throw ValidationError.field('at', 'give exactly one of at (an instant) or revision');
  if (query.revision !== undefined) {
    if (query.basis !== undefined) throw ValidationError.field('basis', 'applies to at only, not to revision');
    return { kind: 'revision', revision: query.revision };
  }
  const at = new Date(query.at as string);
  if (Number.isNaN(at.getTime())) throw ValidationError.field('at', 'is not a calendar date-time');
  return { kind: 'time', basis: query.basis ?? 'recorded', at };
}

export const EXPORT_FORMATS = ['json', 'xlsx'] as const;

export class ExportQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: (typeof EXPORT_FORMATS)[number];
}
