import { createHash } from 'node:crypto';
import type { Content } from '@tickspace/content/schema';
import type { ReadonlyDb } from '../engine';
import { CONTENT_TABLES } from './content-table-list';
import { contentRows } from './content-tables';
import type { FrontierTables } from './tables';
import { frontierSchema } from './tables';

/** Content rows by table, as stored (f32 columns rounded). */
export type ContentTableRows = Readonly<
  Record<(typeof CONTENT_TABLES)[number], readonly Readonly<Record<string, unknown>>[]>
>;

/** The kinds of content a designer edits, each a file (settings: one object). */
export const CONTENT_KINDS = [
  'item',
  'recipe',
  'resource',
  'building',
  'biome',
  'skill',
  'quest',
  'project',
  'settings',
] as const;
/** One of {@link CONTENT_KINDS}. */
export type ContentKind = (typeof CONTENT_KINDS)[number];

type Table = (typeof CONTENT_TABLES)[number];

/** Each kind's definition table and the tables of its parts (keyed by the owning id column). */
const KIND_TABLES: Record<ContentKind, { def: Table; parts: readonly [Table, string][]; plural: string }> = {
  item: { def: 'item_def', parts: [], plural: 'items' },
  recipe: {
    def: 'recipe_def',
    parts: [
      ['recipe_input', 'recipeId'],
      ['recipe_output', 'recipeId'],
    ],
    plural: 'recipes',
  },
  resource: { def: 'resource_def', parts: [], plural: 'resources' },
  building: { def: 'building_def', parts: [['building_cost', 'buildingId']], plural: 'buildings' },
  biome: { def: 'biome_def', parts: [['biome_resource', 'biomeId']], plural: 'biomes' },
  skill: { def: 'skill_def', parts: [], plural: 'skills' },
  quest: { def: 'quest_def', parts: [['quest_step', 'questId']], plural: 'quests' },
  project: {
    def: 'project_def',
    parts: [
      ['project_stage', 'projectId'],
      ['project_need', 'projectId'],
    ],
    plural: 'projects',
  },
  settings: { def: 'settings', parts: [], plural: 'settings' },
};

/** What changed in one kind: ids added, changed (any field or part) and removed, each sorted. */
export interface KindDiff {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

/** What changed between two versions of the content, per kind. */
export type ContentDiff = Readonly<Record<ContentKind, KindDiff>>;

const COLUMNS = Object.fromEntries(
  CONTENT_TABLES.map((name) => {
    const columns = frontierSchema.tables[name].columns as Record<string, { kind: string }>;
    return [name, Object.entries(columns).map(([column, c]) => [column, c.kind] as const)];
  }),
) as unknown as Record<Table, readonly (readonly [string, string])[]>;

/** A row as the table stores it, in column order: f32 values rounded, unknown fields dropped. */
function stored(table: Table, row: Readonly<Record<string, unknown>>): unknown[] {
  return COLUMNS[table].map(([column, kind]) => {
    const v = row[column];
    return kind === 'f32' && typeof v === 'number' ? Math.fround(v) : v;
  });
}

/** The rows validated content becomes, as the tables would store them. */
export function storedContentRows(content: Content): ContentTableRows {
  const rows = contentRows(content);
  return Object.fromEntries(
    CONTENT_TABLES.map((name) => [
      name,
      rows[name].map((r) => Object.fromEntries(COLUMNS[name].map(([c], i) => [c, stored(name, r)[i]]))),
    ]),
  ) as unknown as ContentTableRows;
}

/** The content tables of a database (live, or as of a tick). */
export function contentTableRows(db: ReadonlyDb<FrontierTables>): ContentTableRows {
  return Object.fromEntries(
    CONTENT_TABLES.map((name) => [name, db[name].iter()]),
  ) as unknown as ContentTableRows;
}

/** Per kind, id -> a text that changes whenever the definition or one of its parts does. */
function fingerprints(rows: ContentTableRows): Map<ContentKind, Map<string, string>> {
  const out = new Map<ContentKind, Map<string, string>>();
  for (const kind of CONTENT_KINDS) {
    const { def, parts } = KIND_TABLES[kind];
    const byId = new Map<string, unknown[]>();
    for (const row of rows[def])
      byId.set(kind === 'settings' ? 'settings' : String(row.id), [stored(def, row)]);
    for (const [table, owner] of parts) {
      // Parts in their file order where they have one (inputs, outputs, costs), else by value
      // (a biome's resources): never in the order a table or a file happened to list them.
      const parts = rows[table].map((row) => ({ row, text: JSON.stringify(stored(table, row)) }));
      parts.sort(
        (a, b) => compare(a.row.position, b.row.position) || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
      );
      for (const { row, text } of parts) byId.get(String(row[owner]))?.push(`${table}:${text}`);
    }
    out.set(kind, new Map([...byId].map(([id, texts]) => [id, texts.join('\n')])));
  }
  return out;
}

function compare(a: unknown, b: unknown): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : 0;
}

/**
 * What changed from `before` to `after`, per kind: a recipe counts as changed when any of its
 * fields, inputs or outputs did.
 * @example
 * const diff = diffContent(contentTableRows(engine.db), storedContentRows(content));
 * formatDiff(diff); // -> "+1 item, ~2 recipes"
 */
export function diffContent(before: ContentTableRows, after: ContentTableRows): ContentDiff {
  const a = fingerprints(before);
  const b = fingerprints(after);
  const diff = {} as Record<ContentKind, KindDiff>;
  for (const kind of CONTENT_KINDS) {
    const old = a.get(kind)!;
    const next = b.get(kind)!;
    const added: string[] = [];
    const changed: string[] = [];
    const removed: string[] = [];
    for (const [id, text] of next) {
      const was = old.get(id);
      if (was === undefined) added.push(id);
      else if (was !== text) changed.push(id);
    }
    for (const id of old.keys()) if (!next.has(id)) removed.push(id);
    diff[kind] = { added: added.sort(), changed: changed.sort(), removed: removed.sort() };
  }
  return diff;
}

/** Whether a diff changes nothing. */
export function isEmptyDiff(diff: ContentDiff): boolean {
  return CONTENT_KINDS.every(
    (k) => diff[k].added.length + diff[k].changed.length + diff[k].removed.length === 0,
  );
}

/**
 * A diff as one short text: `+` added, `~` changed, `-` removed, per kind in file order.
 * @example
 * formatDiff(diff); // -> "+1 item, ~2 recipes, -1 resource"
 */
export function formatDiff(diff: ContentDiff): string {
  const parts: string[] = [];
  for (const kind of CONTENT_KINDS) {
    const { plural } = KIND_TABLES[kind];
    const name = (n: number) => (kind === 'settings' ? 'settings' : `${n} ${n === 1 ? kind : plural}`);
    const d = diff[kind];
    if (d.added.length > 0) parts.push(`+${name(d.added.length)}`);
    if (d.changed.length > 0) parts.push(`~${name(d.changed.length)}`);
    if (d.removed.length > 0) parts.push(`-${name(d.removed.length)}`);
  }
  return parts.length === 0 ? 'no change' : parts.join(', ');
}

/**
 * A short hash of the content as stored (12 hex characters of SHA-256 over every content row in
 * table and key order): equal content has equal hashes, however its files are laid out.
 */
export function contentHash(rows: ContentTableRows): string {
  const h = createHash('sha256');
  const all = fingerprints(rows);
  for (const kind of CONTENT_KINDS) {
    const prints = all.get(kind)!;
    for (const id of [...prints.keys()].sort()) h.update(`${kind}\0${id}\0${prints.get(id)}\n`);
  }
  return h.digest('hex').slice(0, 12);
}

/** How many of each kind the content holds, e.g. `34 items, 25 recipes, ...`. */
export function formatCounts(rows: ContentTableRows): string {
  return CONTENT_KINDS.filter((k) => k !== 'settings')
    .map((k) => `${rows[KIND_TABLES[k].def].length} ${KIND_TABLES[k].plural}`)
    .join(', ');
}
