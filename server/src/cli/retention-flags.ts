import type { RetentionPolicy } from '../engine/tooling';
import { TickspaceError } from '../protocol/errors';

const UNITS = { '': 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 } as const;

function wholeNumber(text: string, what: string, units: boolean): number {
  const m = /^(\d+)(KiB|MiB|GiB|TiB)?$/.exec(text.trim());
  const unit = (m?.[2] ?? '') as keyof typeof UNITS;
  const value = m === null ? NaN : Number(m[1]) * UNITS[unit];
  if (m === null || (!units && unit !== '') || !Number.isSafeInteger(value))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `${what} must be a whole number${units ? ' of bytes (optionally with KiB, MiB, GiB or TiB)' : ' of ticks'} >= 0, got ${JSON.stringify(text)}`,
      {
        details: { option: what, value: text },
      },
    );
  return value;
}

/**
 * The retention policy of `tickspace serve`: `--retain-ticks N` and `--retain-bytes N[KiB|MiB|GiB|TiB]`,
 * or $TICKSPACE_RETAIN_TICKS and $TICKSPACE_RETAIN_BYTES (a flag wins over its variable). Neither
 * keeps the whole history.
 * @throws TickspaceError INVALID_ARGUMENT for anything but a whole number >= 0 (naming the flag or variable)
 * @example
 * retentionFromFlags({ retainTicks: '72000' }, {}); // -> { ticks: 72000 } (one hour at 20 Hz)
 */
export function retentionFromFlags(
  flags: { retainTicks?: string; retainBytes?: string },
  env: Readonly<Record<string, string | undefined>>,
): RetentionPolicy | undefined {
  const ticksText = flags.retainTicks ?? env.TICKSPACE_RETAIN_TICKS;
  const bytesText = flags.retainBytes ?? env.TICKSPACE_RETAIN_BYTES;
  if (ticksText === undefined && bytesText === undefined) return undefined;
  const policy: { ticks?: number; bytes?: number } = {};
  if (ticksText !== undefined)
    policy.ticks = wholeNumber(
      ticksText,
      flags.retainTicks !== undefined ? '--retain-ticks' : '$TICKSPACE_RETAIN_TICKS',
      false,
    );
  if (bytesText !== undefined)
    policy.bytes = wholeNumber(
      bytesText,
      flags.retainBytes !== undefined ? '--retain-bytes' : '$TICKSPACE_RETAIN_BYTES',
      true,
    );
  return policy;
}
