import { ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { type FieldError, ValidationError } from '@qms/domain-kernel';

/**
 * Unknown fields are rejected and every bad field is named (with its path for nested objects),
 * so a reporting tool or a form can show the user exactly what to fix.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationError(flatten(errors)),
  });
}

function flatten(errors: readonly ClassValidatorError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: message.replace(/^property \S+ /, 'unknown field; ') }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
