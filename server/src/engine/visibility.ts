import type { AnyRow } from './change-set';
import type { Identity } from './identity';
import type { DeclaredVisibility } from './schema';

/** A table's visibility rule as a function of the row and the viewer. */
export type VisibilityRule = (row: AnyRow, viewer: Identity) => boolean;

/** Whether a table's `visibility` option is the declared form (read from the row, no module code). */
export function isDeclaredVisibility(v: unknown): v is DeclaredVisibility {
  return typeof v === 'object' && v !== null && Array.isArray((v as DeclaredVisibility).to);
}

/**
 * The declared visibility as a rule: visible to the viewers its `to` columns name, and to every
 * viewer while `everyoneWhen` is true.
 */
export function declaredRule(v: DeclaredVisibility): VisibilityRule {
  const to = [...v.to];
  const everyone = v.everyoneWhen;
  if (to.length === 1 && everyone === undefined) {
    const c = to[0]!;
    return (row, viewer) => row[c] === viewer;
  }
  return (row, viewer) => {
    if (everyone !== undefined && row[everyone] === true) return true;
    for (let i = 0; i < to.length; i++) if (row[to[i]!] === viewer) return true;
    return false;
  };
}

/**
 * Whether a table whose options declare `visibility` (either form, or none) shows `row` to
 * `viewer`, as the subscriptions decide it.
 *
 * @example
 * rowVisibleTo(schema.tables.skill.options.visibility, row, me); // -> true for my own skills
 */
export function rowVisibleTo(visibility: unknown, row: AnyRow, viewer: Identity): boolean {
  if (visibility === undefined) return true;
  if (typeof visibility === 'function') return (visibility as VisibilityRule)(row, viewer) === true;
  if (isDeclaredVisibility(visibility)) return declaredRule(visibility)(row, viewer);
  return false;
}
