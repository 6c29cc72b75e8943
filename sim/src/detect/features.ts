import { STREAM_EVENT, type ActionStream } from './action-stream';

/**
 * Behavioural features of one identity's action stream. Each group answers one question a bot has
 * trouble faking:
 * - timing: how regular are the intervals between calls, overall and per action (entropy, mode share)?
 * - self-similarity (Lee et al., NDSS 2016): does the mix of actions repeat window after window?
 * - reaction: how long after an update does the next call come, and does it ever lapse?
 * - path: step size, turn entropy and straightness of the walked path; repeated waypoints.
 * - session and volume: how play is spread over minutes and sessions.
 * - social: chat and trade partners.
 * Missing values (too little data for a feature) are NaN; the models treat NaN as its own value.
 */
export const FEATURE_NAMES = [
  'play_minutes',
  'calls_per_min',
  'log_interval_mean',
  'log_interval_sd',
  'interval_cv',
  'interval_entropy',
  'interval_mode_frac',
  'interval_lag1_corr',
  'interval_p05_ms',
  'per_action_interval_sd',
  'per_action_interval_entropy',
  'per_action_mode_frac',
  'self_similarity_300s',
  'self_similarity_60s',
  'action_type_entropy',
  'distinct_actions',
  'top_action_share',
  'window_max_mode_frac',
  'window_min_log_sd',
  'reaction_median_ms',
  'reaction_log_sd',
  'reaction_fast_frac',
  'reaction_lapse_frac',
  'reaction_skew',
  'move_frac',
  'move_turn_entropy',
  'path_turn_entropy',
  'path_step_cv',
  'move_step_cv',
  'straightness_mean',
  'straightness_sd',
  'moves_per_leg',
  'waypoint_repeat_frac',
  'waypoint_entropy',
  'sessions_per_hour',
  'idle_gap_frac',
  'longest_gap_min',
  'minute_volume_cv',
  'idle_minute_frac',
  'error_frac',
  'chat_per_hour',
  'trade_partners',
  'trade_per_hour',
] as const;
/** One of {@link FEATURE_NAMES}. */
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Slot of each feature in a {@link FeatureVector}: its position in {@link FEATURE_NAMES}. */
const FEATURE_SLOT = Object.fromEntries(FEATURE_NAMES.map((name, slot) => [name, slot])) as Record<
  FeatureName,
  number
>;

/** The reaction features, NaN together when a stream has too few reactions to measure. */
const REACTION_FEATURES = [
  'reaction_median_ms',
  'reaction_log_sd',
  'reaction_fast_frac',
  'reaction_lapse_frac',
  'reaction_skew',
] as const satisfies readonly FeatureName[];

/** Options of {@link extractFeatures}: how the stream's reducer names map to kinds of action. */
export interface FeatureOptions {
  /** Only events within this much play time from the stream's start count. @default Infinity */
  readonly untilPlayMs?: number;
  /** Self-similarity window (Lee et al. use 300 s... of play). @default 300_000 */
  readonly windowMs?: number;
  /** Short self-similarity window, for verdicts within minutes. @default 60_000 */
  readonly shortWindowMs?: number;
  /**
   * Window for the worst-window timing features: a player who hands over to a script for a while
   * (part-time) shows it in the most regular window, not in the average. @default 120_000
   */
  readonly regularityWindowMs?: number;
  /**
   * Reducer names that steer movement: held keys (`move`) and click-to-walk (`walk_to`, what a
   * browser player's clicks and auto-walks send). @default ['move', 'walk_to']
   */
  readonly moveNames?: readonly string[];
  /** Reducer names that are chat. @default ['chat', 'say'] */
  readonly chatNames?: readonly string[];
  /** Prefix of reducer names that are trading. @default 'trade' */
  readonly tradePrefix?: string;
  /** Resolution of logged times (one tick): interval mode shares are counted at this grain. @default 50 */
  readonly tickMs?: number;
  /** A call this long after an update is not a reaction to it. @default 20_000 */
  readonly maxReactionMs?: number;
  /** Position samples further apart than this split a walk into legs. @default 1_500 */
  readonly legGapMs?: number;
  /** Waypoints are compared on a grid of this many world units. @default 2 */
  readonly waypointGrid?: number;
  /** An interval between calls longer than this is an idle gap. @default 10_000 */
  readonly idleGapMs?: number;
}

const LOG_BINS = 40;
const LOG_MIN = 1; // log10(10 ms)
const LOG_MAX = 5; // log10(100 s)
const TURN_BINS = 16;

/** A feature vector in {@link FEATURE_NAMES} order. */
export type FeatureVector = Float64Array;

/**
 * Computes the features of one stream (in {@link FEATURE_NAMES} order).
 * @example
 * const x = extractFeatures(streams.stream(identity), { untilPlayMs: 5 * 60_000 });
 * const score = model.predict(x);
 */
export function extractFeatures(stream: ActionStream, options: FeatureOptions = {}): FeatureVector {
  const untilPlayMs = options.untilPlayMs ?? Number.POSITIVE_INFINITY;
  const windowMs = options.windowMs ?? 300_000;
  const shortWindowMs = options.shortWindowMs ?? 60_000;
  const regularityWindowMs = options.regularityWindowMs ?? 120_000;
  const tickMs = options.tickMs ?? 50;
  const maxReactionMs = options.maxReactionMs ?? 20_000;
  const legGapMs = options.legGapMs ?? 1_500;
  const grid = options.waypointGrid ?? 2;
  const idleGapMs = options.idleGapMs ?? 10_000;
  const names = stream.names;
  const moveIds = new Set((options.moveNames ?? ['move', 'walk_to']).map((n) => names.id(n)));
  const chatIds = new Set((options.chatNames ?? ['chat', 'say']).map((n) => names.id(n)));
  const tradePrefix = options.tradePrefix ?? 'trade';

  // ---- one pass: play time, calls, updates, positions -------------------------------------------
  const callPlay: number[] = []; // play time at each call
  const callTime: number[] = [];
  const callName: number[] = [];
  const callOk: boolean[] = [];
  const callSession: number[] = [];
  const callIdx: number[] = [];
  const reactions: number[] = [];
  const posT: number[] = [];
  const posX: number[] = [];
  const posY: number[] = [];
  let session = 0;
  let sessions = 0;
  let inSession = false;
  let play = 0;
  let lastT = Number.NaN;
  let pendingUpdate = Number.NaN;
  const col = stream.raw();
  const n = col.length;
  const times = col.time;
  const types = col.type;
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    const type = types[i]!;
    if (!inSession && type !== STREAM_EVENT.SESSION_END) {
      // A stream without session marks (an offline log) is one session from its first event.
      inSession = true;
      sessions++;
      session++;
      lastT = t;
    }
    if (inSession && !Number.isNaN(lastT)) play += t - lastT;
    lastT = t;
    if (play > untilPlayMs) break;
    if (type === STREAM_EVENT.SESSION_START) {
      pendingUpdate = Number.NaN;
      continue;
    }
    if (type === STREAM_EVENT.SESSION_END) {
      inSession = false;
      pendingUpdate = Number.NaN;
      continue;
    }
    if (type === STREAM_EVENT.UPDATE) {
      if (Number.isNaN(pendingUpdate)) pendingUpdate = t;
      continue;
    }
    if (type === STREAM_EVENT.TRADE) continue; // the trade graph is a population feature
    if (type === STREAM_EVENT.POSITION) {
      posT.push(t);
      posX.push(col.x[i]!);
      posY.push(col.y[i]!);
      continue;
    }
    // A call. One in the same tick as the update was sent before the update arrived: not a reaction.
    if (!Number.isNaN(pendingUpdate) && t > pendingUpdate) {
      const latency = t - pendingUpdate;
      if (latency <= maxReactionMs) reactions.push(latency);
      pendingUpdate = Number.NaN;
    }
    callPlay.push(play);
    callTime.push(t);
    callName.push(col.name[i]!);
    callOk.push(col.ok[i] === 1);
    callSession.push(session);
    callIdx.push(i);
  }
  const playMs = Math.min(play, untilPlayMs);
  const playMin = playMs / 60_000;
  const calls = callTime.length;
  const out = new Float64Array(FEATURE_NAMES.length).fill(Number.NaN);
  // Each value goes to its own name's slot, once: the committed models read the vector by slot.
  const written = new Uint8Array(FEATURE_NAMES.length);
  const put = (name: FeatureName, v: number) => {
    const slot = FEATURE_SLOT[name];
    if (written[slot] === 1) throw new Error(`extractFeatures: feature '${name}' written twice`);
    written[slot] = 1;
    out[slot] = Number.isFinite(v) ? v : Number.NaN;
  };

  // ---- timing -----------------------------------------------------------------------------------
  const intervals: number[] = [];
  const perType = new Map<number, number[]>();
  const lastOfType = new Map<number, number>();
  for (let k = 1; k < calls; k++) {
    if (callSession[k] !== callSession[k - 1]) continue;
    intervals.push(Math.max(1, callTime[k]! - callTime[k - 1]!));
  }
  for (let k = 0; k < calls; k++) {
    const id = callName[k]!;
    const prev = lastOfType.get(id);
    if (prev !== undefined && callSession[prev] === callSession[k]) {
      let list = perType.get(id);
      if (list === undefined) perType.set(id, (list = []));
      list.push(Math.max(1, callTime[k]! - callTime[prev]!));
    }
    lastOfType.set(id, k);
  }
  const logInt = intervals.map(Math.log10);
  put('play_minutes', playMin);
  put('calls_per_min', playMin > 0 ? calls / playMin : Number.NaN);
  put('log_interval_mean', mean(logInt));
  put('log_interval_sd', sd(logInt));
  put('interval_cv', sd(intervals) / mean(intervals));
  put('interval_entropy', logHistogramEntropy(logInt));
  put('interval_mode_frac', modeShare(intervals, tickMs));
  put('interval_lag1_corr', lag1(logInt));
  put('interval_p05_ms', quantile(intervals, 0.05));
  let wSd = 0;
  let wEnt = 0;
  let wMode = 0;
  let wTotal = 0;
  for (const list of perType.values()) {
    if (list.length < 3) continue;
    const logs = list.map(Math.log10);
    wSd += sd(logs) * list.length;
    wEnt += logHistogramEntropy(logs) * list.length;
    wMode += modeShare(list, tickMs) * list.length;
    wTotal += list.length;
  }
  put('per_action_interval_sd', wTotal > 0 ? wSd / wTotal : Number.NaN);
  put('per_action_interval_entropy', wTotal > 0 ? wEnt / wTotal : Number.NaN);
  put('per_action_mode_frac', wTotal > 0 ? wMode / wTotal : Number.NaN);

  // ---- self-similarity of the action mix (Lee et al.) ------------------------------------------
  put('self_similarity_300s', selfSimilarity(callPlay, callName, windowMs, playMs));
  put('self_similarity_60s', selfSimilarity(callPlay, callName, shortWindowMs, playMs));
  const typeCounts = new Map<number, number>();
  for (const id of callName) typeCounts.set(id, (typeCounts.get(id) ?? 0) + 1);
  put('action_type_entropy', calls > 0 ? entropy([...typeCounts.values()], calls) : Number.NaN);
  put('distinct_actions', calls > 0 ? typeCounts.size : Number.NaN);
  let top = 0;
  let nonMove = 0;
  for (const [id, n] of typeCounts) {
    if (moveIds.has(id)) continue;
    nonMove += n;
    if (n > top) top = n;
  }
  put('top_action_share', nonMove > 0 ? top / nonMove : Number.NaN);
  // Worst window: the most regular stretch of play.
  let maxMode = Number.NaN;
  let minSd = Number.NaN;
  const windowIntervals = new Map<number, number[]>();
  for (let k = 1; k < calls; k++) {
    if (callSession[k] !== callSession[k - 1]) continue;
    const w = Math.floor(callPlay[k]! / regularityWindowMs);
    let list = windowIntervals.get(w);
    if (list === undefined) windowIntervals.set(w, (list = []));
    list.push(Math.max(1, callTime[k]! - callTime[k - 1]!));
  }
  for (const list of windowIntervals.values()) {
    if (list.length < 8) continue;
    const mode = modeShare(list, tickMs);
    const spread = sd(list.map(Math.log10));
    if (Number.isNaN(maxMode) || mode > maxMode) maxMode = mode;
    if (Number.isNaN(minSd) || spread < minSd) minSd = spread;
  }
  put('window_max_mode_frac', maxMode);
  put('window_min_log_sd', minSd);

  // ---- reaction latency --------------------------------------------------------------------------
  if (reactions.length >= 3) {
    const med = quantile(reactions, 0.5);
    const m = mean(reactions);
    const s = sd(reactions);
    put('reaction_median_ms', med);
    put('reaction_log_sd', sd(reactions.map((r) => Math.log10(Math.max(1, r)))));
    put('reaction_fast_frac', reactions.filter((r) => r < 180).length / reactions.length);
    put('reaction_lapse_frac', reactions.filter((r) => r >= 500).length / reactions.length);
    put('reaction_skew', s > 0 ? (m - med) / s : 0);
  } else for (const name of REACTION_FEATURES) put(name, Number.NaN);

  // ---- path ------------------------------------------------------------------------------------
  let moves = 0;
  const moveTurns: number[] = [];
  const moveSteps: number[] = [];
  let prevHeading = Number.NaN;
  let prevMoveX = Number.NaN;
  let prevMoveY = Number.NaN;
  for (let k = 0; k < calls; k++) {
    if (!moveIds.has(callName[k]!)) continue;
    moves++;
    const i = callIdx[k]!;
    const dx = col.dx[i]!;
    const dy = col.dy[i]!;
    if (dx !== 0 || dy !== 0) {
      const h = Math.atan2(dy, dx);
      if (!Number.isNaN(h) && !Number.isNaN(prevHeading)) moveTurns.push(wrapAngle(h - prevHeading));
      prevHeading = h;
    } else prevHeading = Number.NaN;
    const x = col.x[i]!;
    const y = col.y[i]!;
    if (!Number.isNaN(x) && !Number.isNaN(prevMoveX))
      moveSteps.push(Math.hypot(x - prevMoveX, y - prevMoveY));
    prevMoveX = x;
    prevMoveY = y;
  }
  put('move_frac', calls > 0 ? moves / calls : Number.NaN);
  put('move_turn_entropy', moveTurns.length >= 5 ? turnEntropy(moveTurns) : Number.NaN);
  const path = pathFeatures(posT, posX, posY, legGapMs, grid);
  put('path_turn_entropy', path.turnEntropy);
  put('path_step_cv', path.stepCv);
  put('move_step_cv', moveSteps.length >= 5 ? sd(moveSteps) / mean(moveSteps) : Number.NaN);
  put('straightness_mean', path.straightMean);
  put('straightness_sd', path.straightSd);
  put('moves_per_leg', path.legs > 0 ? moves / path.legs : Number.NaN);
  put('waypoint_repeat_frac', path.repeatFrac);
  put('waypoint_entropy', path.waypointEntropy);

  // ---- session and volume -------------------------------------------------------------------
  const hours = playMs / 3_600_000;
  put('sessions_per_hour', hours > 0 ? sessions / Math.max(hours, 1 / 60) : Number.NaN);
  put(
    'idle_gap_frac',
    intervals.length > 0 ? intervals.filter((v) => v > idleGapMs).length / intervals.length : Number.NaN,
  );
  put('longest_gap_min', intervals.length > 0 ? Math.max(...intervals) / 60_000 : Number.NaN);
  const minutes = Math.max(1, Math.ceil(playMs / 60_000));
  const perMinute = new Float64Array(minutes);
  for (const p of callPlay) perMinute[Math.min(minutes - 1, Math.floor(p / 60_000))]!++;
  const pm = [...perMinute];
  put('minute_volume_cv', minutes >= 2 ? sd(pm) / Math.max(mean(pm), 1e-9) : Number.NaN);
  put('idle_minute_frac', minutes >= 2 ? pm.filter((v) => v === 0).length / minutes : Number.NaN);

  // ---- errors and social ------------------------------------------------------------------------
  put('error_frac', calls > 0 ? callOk.filter((ok) => !ok).length / calls : Number.NaN);
  let chats = 0;
  let trades = 0;
  const partners = new Set<number>();
  for (let k = 0; k < calls; k++) {
    const id = callName[k]!;
    if (chatIds.has(id)) chats++;
    if (names.name(id).startsWith(tradePrefix)) {
      trades++;
      const p = col.partner[callIdx[k]!]!;
      if (p >= 0) partners.add(p);
    }
  }
  put('chat_per_hour', hours > 0 ? chats / Math.max(hours, 1 / 60) : Number.NaN);
  put('trade_partners', partners.size);
  put('trade_per_hour', hours > 0 ? trades / Math.max(hours, 1 / 60) : Number.NaN);
  for (let slot = 0; slot < FEATURE_NAMES.length; slot++)
    if (written[slot] === 0)
      throw new Error(`extractFeatures: feature '${FEATURE_NAMES[slot]}' never written`);
  return out;
}

// ---- helpers ---------------------------------------------------------------------------------

function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

function sd(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) * (v - m);
  return Math.sqrt(s / (values.length - 1));
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Shannon entropy (bits) of counts. */
function entropy(counts: readonly number[], total: number): number {
  let h = 0;
  for (const c of counts) {
    if (c <= 0) continue;
    const p = c / total;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Entropy of log10 values in fixed bins from 10 ms to 100 s (comparable across identities). */
function logHistogramEntropy(logs: readonly number[]): number {
  if (logs.length < 3) return Number.NaN;
  const bins = new Array<number>(LOG_BINS).fill(0);
  for (const v of logs) {
    const b = Math.floor(((v - LOG_MIN) / (LOG_MAX - LOG_MIN)) * LOG_BINS);
    bins[Math.min(LOG_BINS - 1, Math.max(0, b))]!++;
  }
  return entropy(bins, logs.length);
}

/** Share of intervals equal (at tick resolution) to the most common one. */
function modeShare(values: readonly number[], tickMs: number): number {
  if (values.length < 3) return Number.NaN;
  const counts = new Map<number, number>();
  let best = 0;
  for (const v of values) {
    const k = Math.round(v / tickMs);
    const c = (counts.get(k) ?? 0) + 1;
    counts.set(k, c);
    if (c > best) best = c;
  }
  return best / values.length;
}

function lag1(values: readonly number[]): number {
  if (values.length < 5) return Number.NaN;
  const m = mean(values);
  let num = 0;
  let den = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - m;
    den += d * d;
    if (i > 0) num += d * (values[i - 1]! - m);
  }
  return den > 0 ? num / den : 0;
}

/**
 * Mean cosine similarity between the action-count vectors of every pair of play windows that
 * hold at least one call (Lee et al.: bots repeat the same mix, humans drift). NaN below 2 windows.
 */
function selfSimilarity(
  callPlay: readonly number[],
  callName: readonly number[],
  windowMs: number,
  playMs: number,
): number {
  const windows = Math.floor(playMs / windowMs);
  if (windows < 2) return Number.NaN;
  const vectors: Map<number, number>[] = Array.from({ length: windows }, () => new Map());
  for (let k = 0; k < callPlay.length; k++) {
    const w = Math.floor(callPlay[k]! / windowMs);
    if (w >= windows) break;
    const v = vectors[w]!;
    v.set(callName[k]!, (v.get(callName[k]!) ?? 0) + 1);
  }
  const used = vectors.filter((v) => v.size > 0);
  if (used.length < 2) return used.length === 1 ? 0 : Number.NaN;
  const norms = used.map((v) => Math.sqrt([...v.values()].reduce((s, c) => s + c * c, 0)));
  let total = 0;
  let pairs = 0;
  for (let a = 0; a < used.length; a++)
    for (let b = a + 1; b < used.length; b++) {
      let dot = 0;
      for (const [k, c] of used[a]!) dot += c * (used[b]!.get(k) ?? 0);
      total += dot / (norms[a]! * norms[b]!);
      pairs++;
    }
  return total / pairs;
}

function wrapAngle(a: number): number {
  while (a > Math.PI) a -= 2 * Math.PI;
  while (a < -Math.PI) a += 2 * Math.PI;
  return a;
}

/** Entropy (bits) of signed turn angles in 16 bins over [-pi, pi]. */
function turnEntropy(turns: readonly number[]): number {
  const bins = new Array<number>(TURN_BINS).fill(0);
  for (const a of turns)
    bins[Math.min(TURN_BINS - 1, Math.floor(((a + Math.PI) / (2 * Math.PI)) * TURN_BINS))]!++;
  return entropy(bins, turns.length);
}

interface PathStats {
  legs: number;
  turnEntropy: number;
  stepCv: number;
  straightMean: number;
  straightSd: number;
  repeatFrac: number;
  waypointEntropy: number;
}

function pathFeatures(
  t: readonly number[],
  x: readonly number[],
  y: readonly number[],
  legGapMs: number,
  grid: number,
): PathStats {
  const turns: number[] = [];
  const steps: number[] = [];
  const straight: number[] = [];
  const ends: string[] = [];
  let legs = 0;
  let start = 0;
  const closeLeg = (from: number, to: number) => {
    if (to - from < 1) return;
    let length = 0;
    for (let i = from + 1; i <= to; i++) length += Math.hypot(x[i]! - x[i - 1]!, y[i]! - y[i - 1]!);
    if (length < 1) return;
    legs++;
    if (to - from >= 2 && length >= 2)
      straight.push(Math.hypot(x[to]! - x[from]!, y[to]! - y[from]!) / length);
    ends.push(`${Math.round(x[to]! / grid)},${Math.round(y[to]! / grid)}`);
  };
  for (let i = 1; i <= t.length; i++) {
    if (i === t.length || t[i]! - t[i - 1]! > legGapMs || Number.isNaN(x[i]!)) {
      closeLeg(start, i - 1);
      start = i;
      continue;
    }
    const step = Math.hypot(x[i]! - x[i - 1]!, y[i]! - y[i - 1]!);
    steps.push(step);
    if (i - start >= 2 && step > 1e-3) {
      const h1 = Math.atan2(y[i - 1]! - y[i - 2]!, x[i - 1]! - x[i - 2]!);
      const h2 = Math.atan2(y[i]! - y[i - 1]!, x[i]! - x[i - 1]!);
      turns.push(wrapAngle(h2 - h1));
    }
  }
  const seen = new Set<string>();
  let repeats = 0;
  const counts = new Map<string, number>();
  for (const e of ends) {
    if (seen.has(e)) repeats++;
    seen.add(e);
    counts.set(e, (counts.get(e) ?? 0) + 1);
  }
  return {
    legs,
    turnEntropy: turns.length >= 5 ? turnEntropy(turns) : Number.NaN,
    stepCv: steps.length >= 5 ? sd(steps) / Math.max(mean(steps), 1e-9) : Number.NaN,
    straightMean: straight.length > 0 ? mean(straight) : Number.NaN,
    straightSd: straight.length >= 2 ? sd(straight) : Number.NaN,
    repeatFrac: ends.length >= 3 ? repeats / ends.length : Number.NaN,
    waypointEntropy:
      ends.length >= 3 ? entropy([...counts.values()], ends.length) / Math.log2(ends.length) : Number.NaN,
  };
}

/**
 * Play time of a stream, ms: time connected (between session marks), or the whole span of a
 * stream without session marks. Matches `play_minutes` of {@link extractFeatures}.
 */
export function playTimeMs(stream: ActionStream): number {
  let inSession = false;
  let play = 0;
  let lastT = Number.NaN;
  const col = stream.raw();
  for (let i = 0; i < col.length; i++) {
    const t = col.time[i]!;
    const type = col.type[i]!;
    if (!inSession && type !== STREAM_EVENT.SESSION_END) {
      inSession = true;
      lastT = t;
    }
    if (inSession && !Number.isNaN(lastT)) play += t - lastT;
    lastT = t;
    if (type === STREAM_EVENT.SESSION_END) inSession = false;
  }
  return play;
}
