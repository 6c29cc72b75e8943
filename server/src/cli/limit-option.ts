import { DEFAULT_LIMITS, resolveLimits, type NetLimits } from '../net';
import { TickspaceError } from '../protocol/errors';

/**
 * Reads repeated `--limit name=value` options of `tickspace serve` into network limit overrides
 * (the names of {@link NetLimits}; `Infinity` turns a per-address limit or the idle timeout off).
 * @throws TickspaceError INVALID_ARGUMENT for an unknown name, a value that is not a number, or limits that do not fit together.
 * @example
 * parseLimitOptions(['maxConnectionsPerAddress=Infinity', 'idleTimeoutMs=120000']);
 * // -> { maxConnectionsPerAddress: Infinity, idleTimeoutMs: 120000 }
 */
export function parseLimitOptions(options: readonly string[]): Partial<NetLimits> {
  const limits: Record<string, number> = {};
  for (const option of options) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(option);
    if (m === null)
      throw new TickspaceError('INVALID_ARGUMENT', `--limit expects name=value, got '${option}'`);
    const [, name, text] = m as unknown as [string, string, string];
    if (!Object.hasOwn(DEFAULT_LIMITS, name))
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `--limit ${option}: no limit named '${name}' (limits: ${Object.keys(DEFAULT_LIMITS).join(', ')})`,
      );
    const value = text === 'Infinity' ? Infinity : Number(text.replace(/_/g, ''));
    if (Number.isNaN(value) || text.trim() === '')
      throw new TickspaceError('INVALID_ARGUMENT', `--limit ${option}: '${text}' is not a number`);
    limits[name] = value;
  }
  try {
    resolveLimits(limits);
  } catch (error) {
    throw new TickspaceError('INVALID_ARGUMENT', `--limit: ${(error as Error).message}`, { cause: error });
  }
  return limits as Partial<NetLimits>;
}
