import type { z } from 'zod';
import { didYouMean } from './suggest';

/** Reports one problem (the loader's `problem`). */
export type Report = (
  kind: 'TYPE',
  file: string,
  row: number | undefined,
  path: string,
  field: string | undefined,
  reason: string,
) => void;

/** The parts of a zod issue the loader reads. */
export interface TypeIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code: string;
  readonly keys?: readonly string[];
  readonly values?: readonly unknown[];
}

interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, { readonly def: SchemaDef }>;
  readonly innerType?: { readonly def: SchemaDef };
  readonly element?: { readonly def: SchemaDef };
}

/** The field names the schema allows at `parts` (object shapes through optional, default and arrays). */
function knownKeys(schema: z.ZodType, parts: readonly PropertyKey[]): string[] {
  let def: SchemaDef | undefined = (schema as unknown as { def: SchemaDef }).def;
  const unwrap = () => {
    while (def !== undefined && def.innerType !== undefined) def = def.innerType.def;
  };
  unwrap();
  for (const part of parts) {
    if (def === undefined) return [];
    if (typeof part === 'number') def = def.element?.def;
    else def = def.shape?.[String(part)]?.def;
    unwrap();
  }
  return def?.shape === undefined ? [] : Object.keys(def.shape);
}

function valueAt(raw: unknown, parts: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const part of parts) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[part];
  }
  return v;
}

/**
 * Turns one zod issue into the loader's problem: path in the loader's notation, the field's name,
 * and for an unknown field or a value outside a fixed set the nearest allowed name
 * (`unknown field 'stacksize'; did you mean 'stackSize'?`).
 */
export function typeProblem(
  report: Report,
  file: string,
  row: number | undefined,
  issue: TypeIssue,
  schema: z.ZodType,
  raw: unknown,
): void {
  const base = row === undefined ? '' : `[${row}]`;
  let path = base;
  for (const part of issue.path)
    path += typeof part === 'number' ? `[${part}]` : path === '' ? String(part) : `.${String(part)}`;
  const last = [...issue.path].reverse().find((p) => typeof p === 'string') as string | undefined;
  if (issue.code === 'unrecognized_keys' && issue.keys !== undefined) {
    const allowed = knownKeys(schema, issue.path);
    for (const key of issue.keys)
      report(
        'TYPE',
        file,
        row,
        path === '' ? key : `${path}.${key}`,
        key,
        `unknown field '${key}'${didYouMean(key, allowed)}`,
      );
    return;
  }
  let reason = issue.message;
  if (issue.code === 'invalid_value' && issue.values !== undefined) {
    const got = valueAt(raw, issue.path);
    if (typeof got === 'string')
      reason = `'${got}' is not allowed: ${issue.message}${didYouMean(
        got,
        issue.values.filter((v): v is string => typeof v === 'string'),
      )}`;
  }
  report('TYPE', file, row, path, last, reason);
}
