import type { ValueShape } from './column-kinds';
import { TickspaceError } from './errors';
import { compileRowNormalizer } from './row-normalizer';
import { checkValue, describeValue } from './value-rules';

/** Validates an argument object against a reducer's arguments and returns a canonical copy. */
export type ArgsValidator = (args: unknown) => Record<string, unknown>;

/** One named argument of a reducer. */
export interface ArgShape extends ValueShape {
  readonly name: string;
}

/**
 * Builds the validator of a reducer's arguments once. The engine compiles it from the module's
 * declarations and the client SDK from the schema descriptor, so both refuse the same values with
 * the same message.
 * @throws TickspaceError `INVALID_ARGUMENT` naming the reducer, the argument and the reason.
 * @example
 * const validate = compileArgsValidator('move', [{ name: 'dx', kind: 'f32' }, { name: 'dy', kind: 'f32' }]);
 * validate({ dx: 1, dy: 0 }); // -> { dx: 1, dy: 0 }
 * validate({ dx: 'far', dy: 0 }); // throws: reducer 'move' argument 'dx': expected f32 (finite number), got "far"
 */
export function compileArgsValidator(reducer: string, args: readonly ArgShape[]): ArgsValidator {
  const names = args.map((a) => a.name);
  const fail = (message: string, details: Record<string, unknown>) =>
    new TickspaceError('INVALID_ARGUMENT', `reducer '${reducer}' ${message}`, {
      details: { reducer, ...details },
    });
  // The compiled row normalizer is the fast path; on any failure, the slow path below names the problem.
  const fast = compileRowNormalizer(`args of ${reducer}`, names, args, -1);
  const explain = (input: unknown): never => {
    if (input === null || typeof input !== 'object' || Array.isArray(input))
      throw fail(`expects an argument object, got ${describeValue(input)}`, {});
    const given = input as Record<string, unknown>;
    for (let i = 0; i < names.length; i++) {
      const problem = checkValue(args[i]!, given[names[i]!]);
      if (problem !== undefined) throw fail(`argument '${names[i]}': ${problem}`, { argument: names[i] });
    }
    for (const key in given)
      if (!names.includes(key)) throw fail(`has no argument '${key}'`, { argument: key });
    throw fail('has invalid arguments', {});
  };
  return (input) => {
    if (Array.isArray(input)) return explain(input);
    try {
      return fast(input as Record<string, unknown>, 0, false);
    } catch {
      return explain(input);
    }
  };
}
