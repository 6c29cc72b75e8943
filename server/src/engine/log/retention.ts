import { TickspaceError } from '../../protocol/errors';

/**
 * How much history a data directory keeps behind the live tick. Without a policy (the default)
 * nothing is ever deleted: time travel over the whole life of the world is the product.
 *
 * History is removed in whole segment files, only once a snapshot covers them, and never past the
 * second-newest snapshot (so a newest snapshot that turns out damaged still has an older one and
 * every record after it to recover from). With both limits set, history goes once either says so,
 * as with Kafka's `retention.ms` and `retention.bytes`.
 */
export interface RetentionPolicy {
  /** Keep at least the newest `ticks` ticks readable by asOf, history, rewind and replay. */
  readonly ticks?: number;
  /** Keep at least this many bytes of segment files (snapshots not counted). */
  readonly bytes?: number;
}

/**
 * Checks a retention policy: each limit, when given, is a whole number >= 0.
 * @throws TickspaceError INVALID_ARGUMENT naming the field and the value.
 */
export function checkRetention(policy: RetentionPolicy | undefined): RetentionPolicy | undefined {
  if (policy === undefined) return undefined;
  if (policy === null || typeof policy !== 'object')
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `retention must be an object { ticks?, bytes? }, got ${String(policy)}`,
      { details: { retention: policy } },
    );
  for (const key of Object.keys(policy))
    if (key !== 'ticks' && key !== 'bytes')
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `retention.${key} is not an option (use retention.ticks or retention.bytes)`,
        { details: { key } },
      );
  for (const key of ['ticks', 'bytes'] as const) {
    const value: unknown = policy[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `retention.${key} must be a whole number >= 0, got ${typeof value === 'number' ? value : JSON.stringify(value)}`,
        {
          details: { key, value },
        },
      );
  }
  return policy;
}

/** Describes a policy for error messages and `tickspace info`: "keeps 6000 ticks and 512 MiB of log". */
export function describeRetention(policy: RetentionPolicy | undefined): string {
  if (policy === undefined || (policy.ticks === undefined && policy.bytes === undefined))
    return 'retention keeps everything';
  const parts: string[] = [];
  if (policy.ticks !== undefined) parts.push(`${policy.ticks} ticks`);
  if (policy.bytes !== undefined) parts.push(`${policy.bytes} bytes of log`);
  return `retention keeps ${parts.join(' or ')}`;
}

/** A segment as the planner sees it. */
export interface RetentionSegment {
  readonly file: string;
  readonly firstTick: number;
  readonly bytes: number;
}

/** A snapshot as the planner sees it. */
export interface RetentionSnapshot {
  readonly file: string;
  readonly tick: number;
}

/** What one retention pass removes. */
export interface RetentionPlan<
  G extends RetentionSegment = RetentionSegment,
  S extends RetentionSnapshot = RetentionSnapshot,
> {
  /** The snapshot history will start at (to be verified before anything is removed); undefined: nothing to remove. */
  readonly anchor: S | undefined;
  /** Snapshots older than the anchor, oldest first. */
  readonly snapshots: readonly S[];
  /** Segments whose every record is at or before the anchor's tick, oldest first (never the newest segment). */
  readonly segments: readonly G[];
}

/**
 * Decides what a policy removes (a pure function of the file lists, so tests can check it by hand):
 * the oldest tick the policy wants readable, then the newest snapshot at or before it (not the
 * newest snapshot) as the anchor, then every snapshot before the anchor and every segment whose
 * records all lie at or before it.
 */
export function planRetention<G extends RetentionSegment, S extends RetentionSnapshot>(input: {
  readonly segments: readonly G[];
  readonly snapshots: readonly S[];
  readonly lastTick: number;
  readonly policy: RetentionPolicy;
  /** Whether a snapshot may be the anchor or the spare (false for one known to be damaged). @default every snapshot */
  readonly usable?: (snapshot: S) => boolean;
}): RetentionPlan<G, S> {
  const { segments, lastTick, policy } = input;
  const snapshots = input.usable === undefined ? input.snapshots : input.snapshots.filter(input.usable);
  const none: RetentionPlan<G, S> = { anchor: undefined, snapshots: [], segments: [] };
  let wanted = -Infinity;
  if (policy.ticks !== undefined) wanted = Math.max(wanted, lastTick - policy.ticks);
  if (policy.bytes !== undefined) {
    // The oldest segment the byte budget keeps: the first, from the newest back, at which the kept bytes reach it.
    let kept = 0;
    for (let i = segments.length - 1; i >= 0; i--) {
      kept += segments[i]!.bytes;
      if (kept >= policy.bytes) {
        wanted = Math.max(wanted, segments[i]!.firstTick);
        break;
      }
    }
  }
  if (wanted === -Infinity) return none;
  let anchor: S | undefined;
  // The newest snapshot stays a spare: the anchor is at most the second newest.
  for (let i = snapshots.length - 2; i >= 0; i--)
    if (snapshots[i]!.tick <= wanted && snapshots[i]!.tick <= lastTick) {
      anchor = snapshots[i]!;
      break;
    }
  if (anchor === undefined) return none;
  // Damaged snapshots older than the anchor go too: they are history the policy no longer keeps.
  const oldSnapshots = input.snapshots.filter((s) => s.tick < anchor.tick);
  const oldSegments: G[] = [];
  // A segment can go once the next one starts at or before the tick after the anchor.
  for (let i = 0; i + 1 < segments.length && segments[i + 1]!.firstTick <= anchor.tick + 1; i++)
    oldSegments.push(segments[i]!);
  if (oldSnapshots.length === 0 && oldSegments.length === 0) return none;
  return { anchor, snapshots: oldSnapshots, segments: oldSegments };
}

/**
 * The order in which a plan's files are removed, so that a crash after any prefix of it leaves a
 * recoverable directory whose time travel starts at its oldest snapshot: snapshots first (while
 * the log still starts before them, each old snapshot is still backed by its records), then the
 * snapshot directory is synced, then segments oldest first (every snapshot left is at or after
 * the anchor, so no snapshot loses the records after it).
 */
export function retentionSteps(
  plan: RetentionPlan,
): readonly (
  | { readonly kind: 'remove'; readonly file: string }
  | { readonly kind: 'sync'; readonly dir: 'snapshots' | 'log' }
)[] {
  const steps: ({ kind: 'remove'; file: string } | { kind: 'sync'; dir: 'snapshots' | 'log' })[] = [];
  for (const s of plan.snapshots) steps.push({ kind: 'remove', file: s.file });
  if (plan.snapshots.length > 0) steps.push({ kind: 'sync', dir: 'snapshots' });
  for (const s of plan.segments) steps.push({ kind: 'remove', file: s.file });
  if (plan.segments.length > 0) steps.push({ kind: 'sync', dir: 'log' });
  return steps;
}
