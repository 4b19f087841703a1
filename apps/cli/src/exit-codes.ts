/** What a script calling the CLI can branch on. */
export const EXIT = {
  OK: 0,
  /** The command ran and found a problem (e.g. verify found a tampered event). */
  CHECK_FAILED: 1,
  USAGE: 2,
  CONFIGURATION: 3,
  STORE_UNAVAILABLE: 4,
  NOT_FOUND: 5,
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Wrong arguments: the message says what to type instead. */
export class UsageError extends Error {}
