import { contentHash, diffContent, formatCounts, formatDiff, type ContentTableRows } from './content-diff';
import { CONTENT_TABLES } from './content-table-list';
import { frontierSchema } from './tables';

/** One logged row change, as `tickspace content` reads it from the log. */
export interface LoggedContentChange {
  /** The table's name. */
  readonly table: string;
  /** What the change did (a log reader maps the log's change kinds to these). */
  readonly kind: 'insert' | 'update' | 'delete';
  readonly oldRow: Readonly<Record<string, unknown>> | undefined;
  readonly newRow: Readonly<Record<string, unknown>> | undefined;
  /** The reducer (or system call) whose transaction made the change. */
  readonly reducer: string;
}

/** One version of the content a world ran on. */
export interface ContentVersion {
  /** The world's content revision (`world_info.contentRev`) after the tick. */
  readonly rev: number;
  /** The tick that made this content the world's. */
  readonly tick: number;
  /** {@link contentHash} of the content. */
  readonly hash: string;
  /** What changed from the previous version (`+1 item, ~2 recipes`), or the counts of the first. */
  readonly summary: string;
  /** What wrote it: `__init`, `content_reload`, or a system call such as `__rewind`. */
  readonly cause: string;
}

type Table = (typeof CONTENT_TABLES)[number];

const KEYS = Object.fromEntries(
  CONTENT_TABLES.map((name) => {
    const def = frontierSchema.tables[name] as unknown as {
      options: { primaryKey?: readonly string[] };
      columns: Record<string, { flags: { primaryKey?: boolean } }>;
    };
    const key =
      def.options.primaryKey ??
      Object.entries(def.columns)
        .filter(([, c]) => c.flags.primaryKey === true)
        .map(([n]) => n);
    return [name, key];
  }),
) as unknown as Record<Table, readonly string[]>;

const isContentTable = (name: string): name is Table => (CONTENT_TABLES as readonly string[]).includes(name);

/**
 * The content versions of a world, from its log: the content tables are rebuilt from every
 * logged change to them (init, reloads, and rewinds, which restore older content), and each tick
 * that changed them is a version, with its hash and what changed.
 *
 * @example
 * for (const v of contentVersions(ticksFromLog)) console.log(`rev ${v.rev} tick ${v.tick} ${v.hash} ${v.summary}`);
 */
export function contentVersions(
  ticks: Iterable<{ readonly tick: number; readonly changes: readonly LoggedContentChange[] }>,
): ContentVersion[] {
  const tables = new Map<Table, Map<string, Readonly<Record<string, unknown>>>>(
    CONTENT_TABLES.map((name) => [name, new Map()]),
  );
  const keyOf = (table: Table, row: Readonly<Record<string, unknown>>) =>
    JSON.stringify(KEYS[table].map((c) => row[c]));
  const snapshot = (): ContentTableRows =>
    Object.fromEntries(
      CONTENT_TABLES.map((name) => [name, [...tables.get(name)!.values()]]),
    ) as unknown as ContentTableRows;
  const versions: ContentVersion[] = [];
  let previous: ContentTableRows | undefined;
  let rev = 0;
  for (const { tick, changes } of ticks) {
    let cause: string | undefined;
    for (const c of changes) {
      if (c.table === 'world_info' && c.newRow !== undefined) rev = Number(c.newRow.contentRev ?? rev);
      if (!isContentTable(c.table)) continue;
      cause ??= c.reducer;
      const rows = tables.get(c.table)!;
      if (c.kind === 'delete') rows.delete(keyOf(c.table, c.oldRow!));
      else rows.set(keyOf(c.table, c.newRow!), c.newRow!);
    }
    if (cause === undefined) continue;
    const now = snapshot();
    versions.push({
      rev,
      tick,
      hash: contentHash(now),
      summary: previous === undefined ? formatCounts(now) : formatDiff(diffContent(previous, now)),
      cause,
    });
    previous = now;
  }
  return versions;
}
