import type { z } from 'zod';

/** Bad configuration: start-up prints the message (one line naming the setting) and exits 1. */
export class ConfigurationError extends Error {}

/**
 * Parses `value` with `schema`, or throws one ConfigurationError listing every problem on one line:
 * `QMS_POLICY_FILE: deadlines.default.containmentHours: expected a positive number; …`.
 */
export function parseConfiguration<S extends z.ZodType>(schema: S, value: unknown, source?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(describeIssue).join('; ');
  throw new ConfigurationError(oneLine(source === undefined ? problems : `${source}: ${problems}`));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = pathText(issue.path);
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`
      : issue.message;
  return path === '' ? message : `${path}: ${message}`;
}

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
