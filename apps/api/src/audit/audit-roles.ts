import type { Role } from '@qms/domain-kernel';

/** DESIGN §3/§9: the auditor reads everything; quality, management and admin read the audit views too. */
export const AUDIT_READERS: readonly Role[] = ['auditor', 'quality', 'management', 'admin'];

/** A whole-store verification reads every event: an operations or audit task. */
export const STORE_VERIFIERS: readonly Role[] = ['admin', 'auditor'];
