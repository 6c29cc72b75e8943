import { STREAM_EVENT, type ActionStream } from './action-stream';
import { extractFeatures, FEATURE_NAMES, type FeatureOptions, type FeatureVector } from './features';

/**
 * Features that compare an identity with the rest of the batch it is scored with (the world's other
 * identities over the same minutes of play). They sit where imitation is expensive: a bot can add
 * chat or copy a human's pauses cheaply, but it cannot make a one-way item flow look two-way without
 * giving the items back, produce less than a farm needs, be unlike every human and like none in
 * particular at once, or run several accounts from one script without them moving, logging in and
 * acting together.
 * - trade graph: direction and balance of completed item flows, star shapes, partner concentration;
 * - productivity against the batch's distribution for the same activity (percentiles and z);
 * - timing distributions against the batch's: distance to the pooled crowd and to the nearest identity;
 * - cross-account correlation of positions, session marks and per-bin action counts.
 * NaN where the identity (or the batch) gives too little to measure.
 */
export const POPULATION_FEATURE_NAMES = [
  'trade_give_share',
  'trade_oneway_givers',
  'trade_partner_star',
  'trade_top_partner_share',
  'gather_rate_pct',
  'craft_rate_pct',
  'output_rate_z',
  'interval_js_population',
  'interval_js_nearest',
  'reaction_js_population',
  'reaction_js_nearest',
  'co_location_max',
  'session_sync_max',
  'action_corr_max',
] as const;
/** One of {@link POPULATION_FEATURE_NAMES}. */
export type PopulationFeatureName = (typeof POPULATION_FEATURE_NAMES)[number];

/** Every feature a detector scores with: the stream's own, then the population-relative ones. */
export const DETECTOR_FEATURE_NAMES = [...FEATURE_NAMES, ...POPULATION_FEATURE_NAMES] as const;
/** One of {@link DETECTOR_FEATURE_NAMES}. */
export type DetectorFeatureName = (typeof DETECTOR_FEATURE_NAMES)[number];

/** Options of {@link extractBatchFeatures}, on top of the stream features' own. */
export interface PopulationFeatureOptions extends FeatureOptions {
  /** Reducer names that gather. @default ['gather'] */
  readonly gatherNames?: readonly string[];
  /** Reducer names that craft. @default ['craft'] */
  readonly craftNames?: readonly string[];
  /** Reducer names that produce (gather, craft, build): output per minute. @default gather, craft, construct, place_building */
  readonly outputNames?: readonly string[];
  /** Two identities this close (world units) in the same time bin are together. @default 6 */
  readonly nearRadius?: number;
  /** Time bin for positions and action counts, ms. @default 10_000 (positions), 30_000 (actions) */
  readonly positionBinMs?: number;
  readonly actionBinMs?: number;
  /** Session marks of two identities this close in time are synchronised, ms. @default 30_000 */
  readonly syncMs?: number;
  /** Fewest intervals (or reactions) for a timing histogram. @default 20 */
  readonly minHistogram?: number;
}

const HIST_BINS = 24;
const HIST_MIN = 1; // log10(10 ms)
const HIST_MAX = 5; // log10(100 s)

/** What one identity's window (its first `untilPlayMs` of play) holds for the population features. */
interface Window {
  readonly identity: string;
  readonly playMin: number;
  readonly gathers: number;
  readonly crafts: number;
  readonly outputs: number;
  /** Normalised, smoothed log-interval histogram, or undefined below `minHistogram`. */
  readonly intervals: Float64Array | undefined;
  readonly reactions: Float64Array | undefined;
  /** Partner -> [items given, items received, trades]. */
  readonly trades: Map<string, [number, number, number]>;
  /** Position bin -> [x, y] (last position in the bin). */
  readonly positions: Map<number, [number, number]>;
  /** Session marks after the first connection, ms. */
  readonly marks: number[];
  /** Action-count bin -> calls. */
  readonly actions: Map<number, number>;
}

/**
 * Feature vectors ({@link DETECTOR_FEATURE_NAMES} order) of every stream of a batch, each on its
 * first `untilPlayMs` of play; the population features compare each identity with the others of
 * the same batch. Score a world's identities together: one identity alone has no population (its
 * population features are NaN, as the models saw for identities without peers to compare).
 * @example
 * const x = extractBatchFeatures(streams.iter(), { untilPlayMs: 15 * 60_000 });
 * const score = model.predict(x.get(identity)!);
 */
export function extractBatchFeatures(
  streams: Iterable<ActionStream>,
  options: PopulationFeatureOptions = {},
): Map<string, FeatureVector> {
  const list = [...streams];
  const windows = list.map((s) => windowOf(s, options));
  const pop = populationFeatures(windows, options);
  const out = new Map<string, FeatureVector>();
  for (let i = 0; i < list.length; i++) {
    const own = extractFeatures(list[i]!, options);
    const x = new Float64Array(DETECTOR_FEATURE_NAMES.length);
    x.set(own, 0);
    x.set(pop[i]!, FEATURE_NAMES.length);
    out.set(list[i]!.identity, x);
  }
  return out;
}

function windowOf(stream: ActionStream, o: PopulationFeatureOptions): Window {
  const untilPlayMs = o.untilPlayMs ?? Number.POSITIVE_INFINITY;
  const names = stream.names;
  const ids = (list: readonly string[]) => new Set(list.map((n) => names.id(n)));
  const gatherIds = ids(o.gatherNames ?? ['gather']);
  const craftIds = ids(o.craftNames ?? ['craft']);
  const outputIds = ids(o.outputNames ?? ['gather', 'craft', 'construct', 'place_building']);
  const maxReactionMs = o.maxReactionMs ?? 20_000;
  const positionBinMs = o.positionBinMs ?? 10_000;
  const actionBinMs = o.actionBinMs ?? 30_000;
  const minHistogram = o.minHistogram ?? 20;
  const col = stream.raw();
  const intervals: number[] = [];
  const reactions: number[] = [];
  const trades = new Map<string, [number, number, number]>();
  const positions = new Map<number, [number, number]>();
  const marks: number[] = [];
  const actions = new Map<number, number>();
  let gathers = 0;
  let crafts = 0;
  let outputs = 0;
  let inSession = false;
  let starts = 0;
  let play = 0;
  let lastT = Number.NaN;
  let lastCall = Number.NaN;
  let pendingUpdate = Number.NaN;
  for (let i = 0; i < col.length; i++) {
    const t = col.time[i]!;
    const type = col.type[i]!;
    if (!inSession && type !== STREAM_EVENT.SESSION_END) {
      inSession = true;
      lastT = t;
      lastCall = Number.NaN;
      if (type !== STREAM_EVENT.SESSION_START) starts++;
    }
    if (inSession && !Number.isNaN(lastT)) play += t - lastT;
    lastT = t;
    if (play > untilPlayMs) break;
    const x = col.x[i]!;
    const y = col.y[i]!;
    if (!Number.isNaN(x) && type !== STREAM_EVENT.TRADE) positions.set(Math.floor(t / positionBinMs), [x, y]);
    if (type === STREAM_EVENT.SESSION_START) {
      if (starts++ > 0) marks.push(t);
      pendingUpdate = Number.NaN;
      lastCall = Number.NaN;
    } else if (type === STREAM_EVENT.SESSION_END) {
      inSession = false;
      marks.push(t);
      pendingUpdate = Number.NaN;
    } else if (type === STREAM_EVENT.UPDATE) {
      if (Number.isNaN(pendingUpdate)) pendingUpdate = t;
    } else if (type === STREAM_EVENT.TRADE) {
      const partner = names.name(col.partner[i]!).slice(1);
      let e = trades.get(partner);
      if (e === undefined) trades.set(partner, (e = [0, 0, 0]));
      e[0] += col.dx[i]!;
      e[1] += col.dy[i]!;
      e[2]++;
    } else if (type === STREAM_EVENT.CALL) {
      if (!Number.isNaN(pendingUpdate) && t > pendingUpdate) {
        if (t - pendingUpdate <= maxReactionMs) reactions.push(t - pendingUpdate);
        pendingUpdate = Number.NaN;
      }
      if (!Number.isNaN(lastCall)) intervals.push(Math.max(1, t - lastCall));
      lastCall = t;
      const bin = Math.floor(t / actionBinMs);
      actions.set(bin, (actions.get(bin) ?? 0) + 1);
      if (col.ok[i] === 1) {
        const name = col.name[i]!;
        if (gatherIds.has(name)) gathers++;
        if (craftIds.has(name)) crafts++;
        if (outputIds.has(name)) outputs++;
      }
    }
  }
  const playMin = Math.min(play, untilPlayMs) / 60_000;
  return {
    identity: stream.identity,
    playMin,
    gathers,
    crafts,
    outputs,
    intervals: intervals.length >= minHistogram ? histogram(intervals) : undefined,
    reactions: reactions.length >= minHistogram ? histogram(reactions) : undefined,
    trades,
    positions,
    marks,
    actions,
  };
}

/** Normalised histogram of log10 values over fixed bins, with add-half smoothing. */
function histogram(values: readonly number[]): Float64Array {
  const h = new Float64Array(HIST_BINS).fill(0.5);
  for (const v of values) {
    const b = Math.floor(((Math.log10(v) - HIST_MIN) / (HIST_MAX - HIST_MIN)) * HIST_BINS);
    h[Math.min(HIST_BINS - 1, Math.max(0, b))]! += 1;
  }
  const total = values.length + 0.5 * HIST_BINS;
  for (let b = 0; b < HIST_BINS; b++) h[b]! /= total;
  return h;
}

/** Jensen-Shannon divergence (bits) of two normalised histograms: 0 identical, 1 disjoint. */
export function jensenShannon(p: Float64Array, q: Float64Array): number {
  let d = 0;
  for (let b = 0; b < p.length; b++) {
    const m = (p[b]! + q[b]!) / 2;
    if (p[b]! > 0) d += 0.5 * p[b]! * Math.log2(p[b]! / m);
    if (q[b]! > 0) d += 0.5 * q[b]! * Math.log2(q[b]! / m);
  }
  return d;
}

function populationFeatures(windows: readonly Window[], o: PopulationFeatureOptions): Float64Array[] {
  const n = windows.length;
  const out = windows.map(() => new Float64Array(POPULATION_FEATURE_NAMES.length).fill(Number.NaN));
  const slot = (name: PopulationFeatureName) => POPULATION_FEATURE_NAMES.indexOf(name);
  const put = (i: number, name: PopulationFeatureName, v: number) =>
    (out[i]![slot(name)] = Number.isFinite(v) ? v : Number.NaN);
  const index = new Map(windows.map((w, i) => [w.identity, i] as const));

  // ---- trade graph ----------------------------------------------------------------------------
  // One-way givers of each identity: partners who gave it items and got nothing back (its own view).
  const onewayIn = windows.map((w) => {
    let k = 0;
    for (const [, [given, received]] of w.trades) if (received > 0 && given === 0) k++;
    return k;
  });
  for (let i = 0; i < n; i++) {
    const w = windows[i]!;
    let given = 0;
    let received = 0;
    let count = 0;
    let top = 0;
    let star = 0;
    for (const [partner, [g, r, c]] of w.trades) {
      given += g;
      received += r;
      count += c;
      if (c > top) top = c;
      const j = index.get(partner);
      if (g > 0 && r === 0 && j !== undefined) star = Math.max(star, onewayIn[j]!);
    }
    put(i, 'trade_give_share', given + received > 0 ? given / (given + received) : Number.NaN);
    put(i, 'trade_oneway_givers', onewayIn[i]!);
    put(i, 'trade_partner_star', star);
    put(i, 'trade_top_partner_share', count >= 2 ? top / count : Number.NaN);
  }

  // ---- productivity against the batch's distribution for the same activity --------------------
  const rated = windows.filter((w) => w.playMin >= 0.5);
  const ratesOf = (pick: (w: Window) => number) =>
    rated
      .map((w) => pick(w) / w.playMin)
      .filter((r) => r > 0)
      .sort((a, b) => a - b);
  const gatherRates = ratesOf((w) => w.gathers);
  const craftRates = ratesOf((w) => w.crafts);
  const logOutputs = rated.map((w) => Math.log10(1 + w.outputs / w.playMin));
  const outMean = logOutputs.reduce((s, v) => s + v, 0) / Math.max(1, logOutputs.length);
  const outSd = Math.sqrt(
    logOutputs.reduce((s, v) => s + (v - outMean) ** 2, 0) / Math.max(1, logOutputs.length - 1),
  );
  for (let i = 0; i < n; i++) {
    const w = windows[i]!;
    if (w.playMin < 0.5) continue;
    put(i, 'gather_rate_pct', w.gathers > 0 ? percentile(gatherRates, w.gathers / w.playMin) : Number.NaN);
    put(i, 'craft_rate_pct', w.crafts > 0 ? percentile(craftRates, w.crafts / w.playMin) : Number.NaN);
    put(
      i,
      'output_rate_z',
      logOutputs.length >= 3 && outSd > 0
        ? (Math.log10(1 + w.outputs / w.playMin) - outMean) / outSd
        : Number.NaN,
    );
  }

  // ---- timing distributions against the batch's ------------------------------------------------
  const timing = (pick: (w: Window) => Float64Array | undefined, pooled: string, nearest: string) => {
    const hists = windows.map(pick);
    const sum = new Float64Array(HIST_BINS);
    let m = 0;
    for (const h of hists)
      if (h !== undefined) {
        m++;
        for (let b = 0; b < HIST_BINS; b++) sum[b]! += h[b]!;
      }
    const others = new Float64Array(HIST_BINS);
    for (let i = 0; i < n; i++) {
      const h = hists[i];
      if (h === undefined || m < 3) continue;
      // The crowd without this identity: a resampler of many humans sits close to it.
      for (let b = 0; b < HIST_BINS; b++) others[b] = (sum[b]! - h[b]!) / (m - 1);
      put(i, pooled as PopulationFeatureName, jensenShannon(h, others));
      let best = Number.POSITIVE_INFINITY;
      for (let j = 0; j < n; j++) {
        const g = hists[j];
        if (j === i || g === undefined) continue;
        const d = jensenShannon(h, g);
        if (d < best) best = d;
      }
      put(i, nearest as PopulationFeatureName, best);
    }
  };
  timing((w) => w.intervals, 'interval_js_population', 'interval_js_nearest');
  timing((w) => w.reactions, 'reaction_js_population', 'reaction_js_nearest');

  // ---- cross-account correlation ----------------------------------------------------------------
  coLocation(windows, o.nearRadius ?? 6, (i, v) => put(i, 'co_location_max', v));
  sessionSync(windows, o.syncMs ?? 30_000, (i, v) => put(i, 'session_sync_max', v));
  actionCorrelation(windows, (i, v) => put(i, 'action_corr_max', v));
  return out;
}

/** Mid-rank percentile of `v` among sorted `values` (0..1). */
function percentile(sorted: readonly number[], v: number): number {
  if (sorted.length < 3) return Number.NaN;
  let below = 0;
  let equal = 0;
  for (const s of sorted)
    if (s < v) below++;
    else if (s === v) equal++;
  return (below + equal / 2) / sorted.length;
}

/**
 * Largest share of an identity's position bins in which one other identity was within `radius`:
 * accounts run together gather next to each other bin after bin.
 */
function coLocation(windows: readonly Window[], radius: number, put: (i: number, v: number) => void): void {
  const byBin = new Map<number, number[]>();
  windows.forEach((w, i) => {
    for (const bin of w.positions.keys()) {
      let l = byBin.get(bin);
      if (l === undefined) byBin.set(bin, (l = []));
      l.push(i);
    }
  });
  // Alone in the batch, nobody can be near: no value rather than a zero the models would trust.
  if (windows.filter((w) => w.positions.size > 0).length < 2) return;
  const together = windows.map(() => new Map<number, number>());
  for (const [bin, members] of byBin) {
    const cells = new Map<string, number[]>();
    for (const i of members) {
      const [x, y] = windows[i]!.positions.get(bin)!;
      const key = `${Math.floor(x / radius)},${Math.floor(y / radius)}`;
      let c = cells.get(key);
      if (c === undefined) cells.set(key, (c = []));
      c.push(i);
    }
    for (const i of members) {
      const [x, y] = windows[i]!.positions.get(bin)!;
      const cx = Math.floor(x / radius);
      const cy = Math.floor(y / radius);
      for (let ox = -1; ox <= 1; ox++)
        for (let oy = -1; oy <= 1; oy++)
          for (const j of cells.get(`${cx + ox},${cy + oy}`) ?? []) {
            if (j === i) continue;
            const [u, v] = windows[j]!.positions.get(bin)!;
            if (Math.hypot(u - x, v - y) <= radius) together[i]!.set(j, (together[i]!.get(j) ?? 0) + 1);
          }
    }
  }
  windows.forEach((w, i) => {
    if (w.positions.size < 6) return;
    let best = 0;
    for (const c of together[i]!.values()) if (c > best) best = c;
    put(i, best / w.positions.size);
  });
}

/** Largest share of an identity's later session marks within `syncMs` of one other identity's marks. */
function sessionSync(windows: readonly Window[], syncMs: number, put: (i: number, v: number) => void): void {
  const byBin = new Map<number, Set<number>>();
  windows.forEach((w, i) => {
    for (const t of w.marks) {
      const bin = Math.floor(t / syncMs);
      let s = byBin.get(bin);
      if (s === undefined) byBin.set(bin, (s = new Set()));
      s.add(i);
    }
  });
  windows.forEach((w, i) => {
    if (w.marks.length < 2) return;
    const hits = new Map<number, number>();
    for (const t of w.marks) {
      const bin = Math.floor(t / syncMs);
      const near = new Set<number>();
      for (let b = bin - 1; b <= bin + 1; b++) for (const j of byBin.get(b) ?? []) near.add(j);
      for (const j of near) {
        if (j === i) continue;
        const theirs = windows[j]!.marks;
        if (theirs.some((u) => Math.abs(u - t) <= syncMs)) hits.set(j, (hits.get(j) ?? 0) + 1);
      }
    }
    let best = 0;
    for (const c of hits.values()) if (c > best) best = c;
    put(i, best / w.marks.length);
  });
}

/**
 * Largest Pearson correlation of an identity's per-bin call counts with one other identity's, over
 * the bins both were active, after taking out the crowd's mean per bin (so the shared rhythm of
 * the world, such as everyone joining at once, does not count). Needs 10 shared bins.
 */
function actionCorrelation(windows: readonly Window[], put: (i: number, v: number) => void): void {
  const crowd = new Map<number, [number, number]>();
  for (const w of windows)
    for (const [bin, c] of w.actions) {
      const e = crowd.get(bin) ?? [0, 0];
      e[0] += c;
      e[1]++;
      crowd.set(bin, e);
    }
  const residual = windows.map((w) => {
    const m = new Map<number, number>();
    for (const [bin, c] of w.actions) {
      const [s, k] = crowd.get(bin)!;
      m.set(bin, c - s / k);
    }
    return m;
  });
  for (let i = 0; i < windows.length; i++) {
    const a = residual[i]!;
    if (a.size < 10) continue;
    let best = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < windows.length; j++) {
      if (j === i) continue;
      const b = residual[j]!;
      if (b.size < 10) continue;
      let k = 0;
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sbb = 0;
      let sab = 0;
      for (const [bin, u] of a) {
        const v = b.get(bin);
        if (v === undefined) continue;
        k++;
        sa += u;
        sb += v;
        saa += u * u;
        sbb += v * v;
        sab += u * v;
      }
      if (k < 10) continue;
      const cov = sab - (sa * sb) / k;
      const va = saa - (sa * sa) / k;
      const vb = sbb - (sb * sb) / k;
      if (va <= 0 || vb <= 0) continue;
      const r = cov / Math.sqrt(va * vb);
      if (r > best) best = r;
    }
    if (Number.isFinite(best)) put(i, best);
  }
}
