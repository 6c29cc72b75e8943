/**
 * `--lod-compare`: the movement scenario on Tickspace without and with a level of detail, in
 * alternating runs at the same client count (full rate first in each round, so neither side
 * always meets the machine in the same state), and one table of per-client figures with the
 * LOD side as ratios of the full-rate side, median and spread over the rounds.
 */
import { runLoad, type LoadRunOptions, type LoadRunResult } from './driver';
import { environmentLine, type Environment } from './environment';
import { formatBytes, formatNumber } from './format';
import type { ReportDocument } from './report-document';
import type { ScenarioLod } from './scenario';

/** Options of {@link runLodCompare}: one run's options (Tickspace, movement) plus the rounds. */
export interface LodCompareOptions extends Omit<LoadRunOptions, 'target' | 'lod' | 'scenario'> {
  readonly lod: ScenarioLod;
  /** Pairs of runs (full rate, then LOD). @default 2 */
  readonly rounds?: number;
}

/** Every run of a comparison, in the order they ran. */
export interface LodCompareResult {
  readonly clients: number;
  readonly lod: ScenarioLod;
  readonly full: readonly LoadRunResult[];
  readonly withLod: readonly LoadRunResult[];
}

/**
 * Runs the comparison.
 * @example
 * const r = await runLodCompare({ clients: 500, durationS: 15, lod: { radius: 40, every: 4 } });
 */
export async function runLodCompare(options: LodCompareOptions): Promise<LodCompareResult> {
  const rounds = options.rounds ?? 2;
  const full: LoadRunResult[] = [];
  const withLod: LoadRunResult[] = [];
  const { lod, rounds: _rounds, ...run } = options;
  for (let i = 0; i < rounds; i++) {
    full.push(await runLoad({ ...run, target: 'tickspace' }));
    withLod.push(await runLoad({ ...run, target: 'tickspace', lod }));
  }
  return { clients: options.clients, lod, full, withLod };
}

/** A per-client figure of one run (undefined where the run could not measure it). */
interface Figure {
  readonly name: string;
  readonly of: (r: LoadRunResult) => number | undefined;
  readonly format: (v: number) => string;
}

/** A per-second figure per server tick: on a shared machine the two sides may not tick at the same rate. */
const perTick = (perSecond: number | undefined, r: LoadRunResult) =>
  perSecond === undefined || r.summary.ticksPerSecond === 0
    ? undefined
    : perSecond / r.summary.ticksPerSecond;

const FIGURES: readonly Figure[] = [
  {
    name: 'bytes in per client per server tick',
    of: (r) => perTick(r.summary.bytesInPerClientPerSecond, r),
    format: formatBytes,
  },
  {
    name: 'server CPU per client per tick, µs',
    of: (r) => {
      const ms = perTick(r.summary.serverCpuMsPerClientPerSecond, r);
      return ms === undefined ? undefined : ms * 1000;
    },
    format: (v) => formatNumber(v, 1),
  },
  {
    name: 'bytes in per client per second',
    of: (r) => r.summary.bytesInPerClientPerSecond,
    format: formatBytes,
  },
  {
    name: 'updates applied per observing client per second',
    of: (r) => r.summary.updatesPerClientPerSecond,
    format: (v) => formatNumber(v, 1),
  },
  {
    name: 'server CPU per client, ms per second',
    of: (r) => r.summary.serverCpuMsPerClientPerSecond,
    format: (v) => formatNumber(v, 3),
  },
  {
    name: 'server CPU per tick, ms',
    of: (r) => r.summary.serverCpuMsPerTick,
    format: (v) => formatNumber(v, 2),
  },
  { name: 'tick p99, ms', of: (r) => r.summary.tick.p99Ms, format: (v) => formatNumber(v, 1) },
  { name: 'ticks per second', of: (r) => r.summary.ticksPerSecond, format: (v) => formatNumber(v, 1) },
  {
    name: 'entities visible per client',
    of: (r) => r.summary.visiblePerClient,
    format: (v) => formatNumber(v, 1),
  },
];

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** One figure over the rounds: medians, the LOD/full ratio of each round, their median and spread. */
export interface LodFigure {
  readonly name: string;
  readonly full: number;
  readonly lod: number;
  readonly ratio: number;
  readonly ratios: readonly number[];
}

/** The figures of a comparison (figures a run could not measure are left out). */
export function lodFigures(r: LodCompareResult): LodFigure[] {
  const out: LodFigure[] = [];
  for (const f of FIGURES) {
    const full = r.full.map(f.of);
    const lod = r.withLod.map(f.of);
    if (full.some((v) => v === undefined) || lod.some((v) => v === undefined)) continue;
    const ratios = full.map((v, i) => (lod[i] as number) / (v as number));
    out.push({
      name: f.name,
      full: median(full as number[]),
      lod: median(lod as number[]),
      ratio: median(ratios),
      ratios,
    });
  }
  return out;
}

/** The comparison as a report: one row per figure, full rate, LOD, ratio and its spread. */
export function lodCompareReport(r: LodCompareResult, env: Environment): ReportDocument {
  const figures = lodFigures(r);
  const first = r.full[0]!;
  const fmt = (name: string) => FIGURES.find((f) => f.name === name)!.format;
  return {
    title: `Load test: level of detail on tickspace, ${r.clients} clients`,
    blocks: [
      { kind: 'text', text: environmentLine(env, first.pinned) },
      {
        kind: 'text',
        text:
          `The movement scenario (radius ${first.scenario.aoiRadius}, world ${formatNumber(first.scenario.worldSize, 0)}) ` +
          `without and with \`lod: { radius: ${r.lod.radius}, every: ${r.lod.every} }\` (world units), ` +
          `${r.full.length} alternating pairs of runs, ${first.durationS} s measured each; medians, and the LOD/full ratio per pair.`,
      },
      {
        kind: 'table',
        table: {
          headers: ['figure', 'full rate', 'lod', 'ratio', 'ratios per pair'],
          rows: figures.map((f) => [
            f.name,
            fmt(f.name)(f.full),
            fmt(f.name)(f.lod),
            `${f.ratio.toFixed(2)}x`,
            f.ratios.map((x) => x.toFixed(2)).join(', '),
          ]),
        },
      },
    ],
  };
}
