import { type ArgumentMetadata, ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { type FieldError, textProblem, ValidationError } from '@qms/domain-kernel';
import { cacheValidationRuleLookups } from './validation-metadata-cache';

/**
 * Unknown fields are rejected and every bad field is named (with its path for nested objects),
 * so a reporting tool or a form can show the user exactly what to fix.
 */
export function createValidationPipe(): ValidationPipe {
  cacheValidationRuleLookups();
  return new CleanTextValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationError(flatten(errors)),
  });
}

/**
 * Every string of a body, query or path — identifiers included — must be clean Unicode before a
 * DTO looks at it: a NUL or a lone surrogate stored in an append-only log cannot be taken back.
 */
class CleanTextValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const errors = uncleanStrings(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
      if (errors.length > 0) throw new ValidationError(errors);
    }
    return super.transform(value, metadata);
  }
}

function uncleanStrings(value: unknown, path: string): FieldError[] {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem === null ? [] : [{ field: path || 'value', message: problem }];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => uncleanStrings(item, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => {
      const field = path ? `${path}.${key}` : key;
      const keyProblem = textProblem(key);
      return [...(keyProblem === null ? [] : [{ field, message: `name ${keyProblem}` }]), ...uncleanStrings(item, field)];
    });
  }
  return [];
}

function flatten(errors: readonly ClassValidatorError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: message.replace(/^property \S+ /, 'unknown field; ') }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
