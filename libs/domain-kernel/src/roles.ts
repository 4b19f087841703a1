/** Roles of ../shared/DESIGN.md §3, named after the unit that holds them in the procedures. */
export const ROLES = [
  'sales',
  'quality',
  'department',
  'management',
  'warehouse',
  'planning',
  'auditor',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated principal; never taken from a request body. */
export interface Actor {
  readonly userId: string;
  readonly role: Role;
  /** Set for role `department`: the responsible unit the user acts for. */
  readonly department?: string;
}
