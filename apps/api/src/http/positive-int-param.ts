import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationError } from '@qms/domain-kernel';

/** A path number such as a disposition number: a bad one is a 400 naming the parameter. */
@Injectable()
export class PositiveIntParam implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const number = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
      throw ValidationError.field(metadata.data ?? 'parameter', 'must be a positive integer');
    }
    return number;
  }
}
