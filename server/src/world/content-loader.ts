import {
  CONTENT_FILES,
  OPTIONAL_FILES,
  SETTINGS_FILE,
  contentId,
  settingsSchema,
  type Building,
  type Content,
  type Project,
  type Quest,
  type Recipe,
  type Resource,
} from '@tickspace/content/schema';
import { TickspaceError } from '../engine';
import { typeProblem } from './content-type-problems';
import { fieldLines, lineOf } from './json-lines';
import { didYouMean } from './suggest';

/** The kinds of problem the loader reports; each has a broken fixture in content/test. */
export const CONTENT_PROBLEMS = {
  /** A content file does not exist or cannot be read. */
  FILE_MISSING: 'FILE_MISSING',
  /** A file is not valid JSON. */
  SYNTAX: 'SYNTAX',
  /** A value has the wrong type, is out of range, is missing, or a field is unknown. */
  TYPE: 'TYPE',
  /** Two rows of one table share an id (or two biomes a tile byte). */
  DUPLICATE_ID: 'DUPLICATE_ID',
  /** A field names an id that its table does not hold. */
  UNKNOWN_REFERENCE: 'UNKNOWN_REFERENCE',
  /** A reference points at a row of the wrong sort (a station that is not a station, a start biome that is water). */
  WRONG_REFERENCE: 'WRONG_REFERENCE',
  /** A recipe, or a loop of recipes, creates items from nothing. */
  CREATES_FROM_NOTHING: 'CREATES_FROM_NOTHING',
  /** No chain of gathering, crafting and building can ever produce this item. */
  UNOBTAINABLE: 'UNOBTAINABLE',
  /** The biomes lack a water or a cliff kind, which the world generator needs. */
  MISSING_BIOME_KIND: 'MISSING_BIOME_KIND',
} as const;

/** One of {@link CONTENT_PROBLEMS}. */
export type ContentProblemKind = (typeof CONTENT_PROBLEMS)[keyof typeof CONTENT_PROBLEMS];

/** One problem in the content: where (file, line, row, JSON path, field) and why. */
export interface ContentProblem {
  readonly kind: ContentProblemKind;
  /** File name inside the content directory, e.g. `recipes.json`. */
  readonly file: string;
  /**
   * 1-based line of the offending field in the file (of the row when the field is missing, of
   * the syntax error for SYNTAX), when known.
   */
  readonly line: number | undefined;
  /** 0-based row index in the file's array, or undefined for whole-file problems and settings. */
  readonly row: number | undefined;
  /** JSON path from the file's root, e.g. `[3].inputs[0].item`. */
  readonly path: string;
  /** The offending field's name, e.g. `item`, or undefined for whole-row problems. */
  readonly field: string | undefined;
  readonly reason: string;
}

/** The loader's verdict: validated content, or every problem found. */
export type ContentResult =
  | { readonly ok: true; readonly content: Content; readonly problems: readonly [] }
  | { readonly ok: false; readonly content: undefined; readonly problems: readonly ContentProblem[] };

type TableKey = keyof typeof CONTENT_FILES;
const TABLE_KEYS = Object.keys(CONTENT_FILES) as TableKey[];
const ALL_FILES = [...TABLE_KEYS.map((k) => CONTENT_FILES[k].file), SETTINGS_FILE];
/** Every file name of a content directory. */
export const CONTENT_FILE_NAMES: readonly string[] = ALL_FILES;

/** Raw file texts by file name (missing files absent). */
export type ContentSources = Readonly<Record<string, string>>;

/** The INVALID_CONTENT error for a list of problems. */
export function contentError(problems: readonly ContentProblem[], where = 'content'): TickspaceError {
  const shown = problems.slice(0, 20).map(formatProblem).join('\n  ');
  const more = problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : '';
  return new TickspaceError(
    'INVALID_CONTENT',
    `${where}: ${problems.length} content problem(s):\n  ${shown}${more}`,
    {
      details: { problems },
    },
  );
}

/**
 * One line per problem: `recipes.json:42 [3].inputs[0].item: UNKNOWN_REFERENCE: no item 'plonk'`.
 * @example
 * formatProblem(problem); // -> "recipes.json:42 [3].inputs[0].item: UNKNOWN_REFERENCE: no item 'plonk' in items.json"
 */
export function formatProblem(p: ContentProblem): string {
  return `${p.file}${p.line === undefined ? '' : `:${p.line}`} ${p.path || '(file)'}: ${p.kind}: ${p.reason}`;
}

/**
 * Validates content file texts (by file name). Pure: no I/O, so the same function serves the
 * loader, hot reload and the reload reducer.
 */
export function validateContent(sources: ContentSources): ContentResult {
  const problems: ContentProblem[] = [];
  const lines: Record<string, Map<string, number>> = {};
  const parsed: Partial<Record<TableKey, unknown[]>> = {};
  let settings: unknown;
  const problem = (
    kind: ContentProblemKind,
    file: string,
    row: number | undefined,
    path: string,
    field: string | undefined,
    reason: string,
  ) =>
    problems.push({
      kind,
      file,
      row,
      path,
      field,
      reason,
      line: lines[file] === undefined ? undefined : lineOf(lines[file], path),
    });

  for (const file of ALL_FILES) {
    const text = sources[file];
    if (text === undefined && OPTIONAL_FILES.includes(file)) {
      parsed[TABLE_KEYS.find((k) => CONTENT_FILES[k].file === file)!] = [];
      continue;
    }
    if (text === undefined) {
      problem('FILE_MISSING', file, undefined, '', undefined, `the content directory has no ${file}`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problems.push({
        kind: 'SYNTAX',
        file,
        row: undefined,
        path: '',
        field: undefined,
        reason: message,
        line: syntaxLine(text, message),
      });
      continue;
    }
    lines[file] = fieldLines(text);
    if (file === SETTINGS_FILE) {
      settings = value;
      continue;
    }
    if (!Array.isArray(value)) {
      problem('TYPE', file, undefined, '', undefined, `expected a JSON array of rows, got ${typeof value}`);
      continue;
    }
    const key = TABLE_KEYS.find((k) => CONTENT_FILES[k].file === file)!;
    parsed[key] = value;
  }

  // Types, row by row, so that one bad row does not hide the others.
  const rows: Partial<Record<TableKey, { row: number; value: any }[]>> = {};
  for (const key of TABLE_KEYS) {
    const raw = parsed[key];
    if (raw === undefined) continue;
    const { file, row: schema } = CONTENT_FILES[key];
    const good: { row: number; value: any }[] = [];
    raw.forEach((value, i) => {
      const result = schema.safeParse(value);
      if (result.success) good.push({ row: i, value: result.data });
      else for (const issue of result.error.issues) typeProblem(problem, file, i, issue, schema, value);
    });
    rows[key] = good;
  }
  let goodSettings: Content['settings'] | undefined;
  if (settings !== undefined) {
    const result = settingsSchema.safeParse(settings);
    if (result.success) goodSettings = result.data;
    else
      for (const issue of result.error.issues)
        typeProblem(problem, SETTINGS_FILE, undefined, issue, settingsSchema, settings);
  }

  // Duplicate ids. A row that failed its type check still claims its id (if the id itself is
  // fine), so one bad field does not also show up as unknown references everywhere.
  const ids: Partial<Record<TableKey, Map<string, { row: number; value: any }>>> = {};
  for (const key of TABLE_KEYS) {
    const map = new Map<string, { row: number; value: any }>();
    const good = new Map((rows[key] ?? []).map((e) => [e.row, e]));
    (parsed[key] ?? []).forEach((raw, row) => {
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || !contentId.safeParse(id).success) return;
      const first = map.get(id);
      if (first !== undefined)
        problem(
          'DUPLICATE_ID',
          CONTENT_FILES[key].file,
          row,
          `[${row}].id`,
          'id',
          `id '${id}' is already used by row ${first.row}`,
        );
      else map.set(id, good.get(row) ?? { row, value: undefined });
    });
    ids[key] = map;
  }
  const tiles = new Map<number, number>();
  for (const entry of rows.biomes ?? []) {
    const first = tiles.get(entry.value.tile);
    if (first !== undefined)
      problem(
        'DUPLICATE_ID',
        'biomes.json',
        entry.row,
        `[${entry.row}].tile`,
        'tile',
        `tile byte ${entry.value.tile} is already used by row ${first}`,
      );
    else tiles.set(entry.value.tile, entry.row);
  }

  // References. A table that failed to load has no ids to check against: skip, its own problem is reported.
  const has = (key: TableKey, id: string) => ids[key]!.has(id);
  const ref = (key: TableKey, target: TableKey, row: number, path: string, field: string, id: string) => {
    if (parsed[target] !== undefined && !has(target, id))
      problem(
        'UNKNOWN_REFERENCE',
        CONTENT_FILES[key].file,
        row,
        path,
        field,
        `no ${target.slice(0, -1)} '${id}' in ${CONTENT_FILES[target].file}${didYouMean(id, ids[target]!.keys())}`,
      );
  };
  for (const { row, value } of rows.recipes ?? []) {
    const r = value as Recipe;
    r.inputs.forEach((s, j) => ref('recipes', 'items', row, `[${row}].inputs[${j}].item`, 'item', s.item));
    r.outputs.forEach((s, j) => ref('recipes', 'items', row, `[${row}].outputs[${j}].item`, 'item', s.item));
    ref('recipes', 'skills', row, `[${row}].skill`, 'skill', r.skill);
    if (r.station !== undefined) {
      ref('recipes', 'buildings', row, `[${row}].station`, 'station', r.station);
      const b = ids.buildings?.get(r.station)?.value as Building | undefined;
      if (b !== undefined && !b.station)
        problem(
          'WRONG_REFERENCE',
          'recipes.json',
          row,
          `[${row}].station`,
          'station',
          `building '${r.station}' is not a station (set "station": true in buildings.json)`,
        );
    }
    if (r.inputs.length === 0)
      problem(
        'CREATES_FROM_NOTHING',
        'recipes.json',
        row,
        `[${row}].inputs`,
        'inputs',
        `recipe '${r.id}' has no inputs: it would create items from nothing`,
      );
    if (r.outputs.length === 0)
      problem('TYPE', 'recipes.json', row, `[${row}].outputs`, 'outputs', `recipe '${r.id}' has no outputs`);
    for (const out of r.outputs) {
      const same = r.inputs.find((s) => s.item === out.item);
      if (same !== undefined && out.quantity > same.quantity)
        problem(
          'CREATES_FROM_NOTHING',
          'recipes.json',
          row,
          `[${row}].outputs`,
          'outputs',
          `recipe '${r.id}' turns ${same.quantity} '${out.item}' into ${out.quantity}`,
        );
    }
  }
  for (const { row, value } of rows.resources ?? []) {
    const r = value as Resource;
    ref('resources', 'items', row, `[${row}].item`, 'item', r.item);
    ref('resources', 'skills', row, `[${row}].skill`, 'skill', r.skill);
  }
  for (const { row, value } of rows.buildings ?? []) {
    const b = value as Building;
    b.cost.forEach((s, j) => ref('buildings', 'items', row, `[${row}].cost[${j}].item`, 'item', s.item));
    ref('buildings', 'skills', row, `[${row}].skill`, 'skill', b.skill);
  }
  for (const { row, value } of rows.biomes ?? []) {
    (value.resources as { resource: string }[]).forEach((s, j) =>
      ref('biomes', 'resources', row, `[${row}].resources[${j}].resource`, 'resource', s.resource),
    );
  }
  for (const { row, value } of rows.quests ?? []) {
    (value as Quest).steps.forEach((step, j) => {
      const at = `[${row}].steps[${j}].goal`;
      const g = step.goal;
      if (g.kind === 'gather') ref('quests', 'items', row, `${at}.item`, 'item', g.item);
      else if (g.kind === 'craft') ref('quests', 'recipes', row, `${at}.recipe`, 'recipe', g.recipe);
      else ref('quests', 'buildings', row, `${at}.building`, 'building', g.building);
    });
  }
  for (const { row, value } of rows.projects ?? []) {
    const p = value as Project;
    p.stages.forEach((stage, j) => {
      const at = `[${row}].stages[${j}]`;
      stage.needs.forEach((s, k) => ref('projects', 'items', row, `${at}.needs[${k}].item`, 'item', s.item));
      ref('projects', 'buildings', row, `${at}.building`, 'building', stage.building);
      const b = ids.buildings?.get(stage.building)?.value as Building | undefined;
      if (b !== undefined && (b.width > p.width || b.height > p.height))
        problem(
          'WRONG_REFERENCE',
          'projects.json',
          row,
          `${at}.building`,
          'building',
          `building '${stage.building}' is ${b.width}x${b.height}; the site of '${p.id}' is ${p.width}x${p.height}`,
        );
    });
  }
  if (rows.biomes !== undefined) {
    for (const kind of ['water', 'cliff'] as const)
      if (!rows.biomes.some((b) => b.value.kind === kind))
        problem(
          'MISSING_BIOME_KIND',
          'biomes.json',
          undefined,
          '',
          'kind',
          `no biome of kind '${kind}': the world generator needs one`,
        );
    if (!rows.biomes.some((b) => b.value.kind === 'land'))
      problem(
        'MISSING_BIOME_KIND',
        'biomes.json',
        undefined,
        '',
        'kind',
        "no biome of kind 'land': players need somewhere to stand",
      );
  }
  if (goodSettings !== undefined && parsed.biomes !== undefined) {
    const start = ids.biomes!.get(goodSettings.startBiome);
    if (start === undefined)
      problem(
        'UNKNOWN_REFERENCE',
        SETTINGS_FILE,
        undefined,
        'startBiome',
        'startBiome',
        `no biome '${goodSettings.startBiome}' in biomes.json${didYouMean(goodSettings.startBiome, ids.biomes!.keys())}`,
      );
    else if (start.value.kind !== 'land')
      problem(
        'WRONG_REFERENCE',
        SETTINGS_FILE,
        undefined,
        'startBiome',
        'startBiome',
        `biome '${goodSettings.startBiome}' is ${start.value.kind}, not land`,
      );
  }

  // Loops that multiply items are checked on whatever recipes parsed; reachability needs the
  // whole content to be sound, or it would echo every other problem.
  if (rows.recipes !== undefined && rows.items !== undefined)
    checkLoops(
      rows.recipes.map((e) => e.value),
      problem,
      new Map(rows.recipes.map((e) => [e.value.id as string, e.row])),
    );
  if (problems.length === 0) {
    const content: Content = {
      items: rows.items!.map((e) => e.value),
      recipes: rows.recipes!.map((e) => e.value),
      resources: rows.resources!.map((e) => e.value),
      buildings: rows.buildings!.map((e) => e.value),
      biomes: rows.biomes!.map((e) => e.value),
      skills: rows.skills!.map((e) => e.value),
      quests: rows.quests!.map((e) => e.value),
      projects: rows.projects!.map((e) => e.value),
      settings: goodSettings!,
    };
    checkReachable(content, rows, problem);
    if (problems.length === 0) return { ok: true, content, problems: [] };
  }
  return { ok: false, content: undefined, problems };
}

type Report = (
  kind: ContentProblemKind,
  file: string,
  row: number | undefined,
  path: string,
  field: string | undefined,
  reason: string,
) => void;

/**
 * A loop of single-input recipes that multiplies items (A -> 2 B, B -> A) creates items from
 * nothing. With edge weights -log(out/in), a recipe edge u -> v lies on such a loop when the best
 * path back from v to u makes the round trip negative (Floyd-Warshall over the few items involved).
 * Recipes with several inputs always consume something else, so they are left out; a recipe that
 * multiplies its own input is reported by the caller.
 */
function checkLoops(
  recipes: readonly Recipe[],
  report: Report,
  recipeRow: ReadonlyMap<string, number>,
): void {
  const index = new Map<string, number>();
  const node = (id: string) => {
    let i = index.get(id);
    if (i === undefined) index.set(id, (i = index.size));
    return i;
  };
  const edges: { from: number; to: number; w: number; recipe: string }[] = [];
  for (const r of recipes) {
    if (r.inputs.length !== 1) continue;
    const input = r.inputs[0]!;
    for (const out of r.outputs)
      if (out.item !== input.item)
        edges.push({
          from: node(input.item),
          to: node(out.item),
          w: -Math.log(out.quantity / input.quantity),
          recipe: r.id,
        });
  }
  const n = index.size;
  const dist = new Float64Array(n * n).fill(Infinity);
  for (let i = 0; i < n; i++) dist[i * n + i] = 0;
  for (const e of edges) dist[e.from * n + e.to] = Math.min(dist[e.from * n + e.to]!, e.w);
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++) {
      const ik = dist[i * n + k]!;
      if (ik === Infinity) continue;
      for (let j = 0; j < n; j++) {
        const via = ik + dist[k * n + j]!;
        if (via < dist[i * n + j]!) dist[i * n + j] = via;
      }
    }
  const looping = new Set<string>();
  for (const e of edges) if (e.w + dist[e.to * n + e.from]! < -1e-9) looping.add(e.recipe);
  for (const id of [...looping].sort()) {
    const row = recipeRow.get(id)!;
    report(
      'CREATES_FROM_NOTHING',
      'recipes.json',
      row,
      `[${row}].outputs`,
      'outputs',
      `recipe '${id}' is part of a loop of recipes that yields more than it consumes`,
    );
  }
}

/**
 * Every item must be obtainable by some chain of gathering (with obtainable tools), crafting (at
 * buildable stations) and building, or it is dead content that a player can never hold.
 */
function checkReachable(
  content: Content,
  rows: Partial<Record<TableKey, { row: number; value: any }[]>>,
  report: Report,
): void {
  // Reachability fixpoint from an empty inventory.
  const have = new Set<string>();
  const hasTool = (tool: { kind: string; tier: number } | undefined) =>
    tool === undefined ||
    content.items.some(
      (i) => have.has(i.id) && i.tool !== undefined && i.tool.kind === tool.kind && i.tool.tier >= tool.tier,
    );
  const built = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    const add = (id: string) => {
      if (!have.has(id)) {
        have.add(id);
        changed = true;
      }
    };
    for (const r of content.resources) if (hasTool(r.tool)) add(r.item);
    for (const b of content.buildings)
      if (!built.has(b.id) && b.cost.every((s) => have.has(s.item))) {
        built.add(b.id);
        changed = true;
      }
    for (const r of content.recipes)
      if (
        (r.station === undefined || built.has(r.station)) &&
        r.inputs.length > 0 &&
        r.inputs.every((s) => have.has(s.item))
      )
        for (const out of r.outputs) add(out.item);
  }
  for (const { row, value } of rows.items!)
    if (!have.has(value.id))
      report(
        'UNOBTAINABLE',
        'items.json',
        row,
        `[${row}].id`,
        'id',
        `item '${value.id}' cannot be obtained: no resource yields it and no craftable recipe makes it`,
      );
}

/** The line of a JSON.parse error, from the position V8 puts in its message. */
function syntaxLine(text: string, message: string): number | undefined {
  const line = /line (\d+)/.exec(message);
  if (line !== null) return Number(line[1]);
  const pos = /position (\d+)/.exec(message);
  if (pos === null) return undefined;
  return text.slice(0, Number(pos[1])).split('\n').length;
}
