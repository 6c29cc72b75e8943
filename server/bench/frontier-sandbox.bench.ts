/**
 * Frontier's tick in the sandbox against Frontier unsandboxed, in one run: the same world (500
 * walking and gathering bots), built once from createFrontier (what `serve --no-sandbox` runs) and
 * once from its sandboxed bundle (what `serve` runs: SES Compartment, host modules, globals bound),
 * ticked alternately, one tick each, under serve's default tick budget. Both worlds run the same
 * bots from the same seed, so their i-th ticks do the same work: each pair of ticks gives one
 * sandboxed/unsandboxed ratio, measured a few milliseconds apart, so the load of a shared machine
 * (which drifts over seconds) cancels out of it. Reports the median of those paired ratios with its
 * interquartile range, the ratio of the total tick time, and the median and p99 ticks.
 * Run: `node --max-semi-space-size=64 --import tsx server/bench/frontier-sandbox.bench.ts [bots] [ticks]`.
 */
import seedrandom from 'seedrandom';
import { createEngine } from '../src/engine';
import { loadModuleFile } from '../src/engine/sandbox';
import { frontierSource, provideFrontierHost } from '../src/cli/frontier-sandbox';
import { DEFAULT_TICK_BUDGET_MS } from '../src/cli/serve';
import { readContentSources, DEFAULT_CONTENT_DIR } from '../src/world';
import { percentile, report, type Figure } from './harness';
import { botTick, spreadWorld, type FrontierEngine } from './world-bench-kit';

const BOTS = Number(process.argv[2] ?? 500);
const TICKS = Number(process.argv[3] ?? 1000);
/** Ticks each world runs first, unmeasured, to warm the JIT. */
const WARM = 100;
const SEED = 'sandbox-bench';
const settings = { seed: SEED, worldTiles: 1024 };

await provideFrontierHost(await readContentSources(DEFAULT_CONTENT_DIR), () => new Error('invalid content'));
const source = frontierSource();
const sandboxed = await loadModuleFile(source.entry, { ...source.bundle, config: settings });

const make = (sandbox: boolean) =>
  spreadWorld(
    BOTS,
    96,
    settings,
    SEED,
    (module) =>
      createEngine({
        module: sandbox ? (sandboxed.module as typeof module) : module,
        seed: SEED,
        tickMs: 50,
        tickBudgetMs: DEFAULT_TICK_BUDGET_MS,
      }) as FrontierEngine,
  );
const worlds = { unsandboxed: await make(false), sandboxed: await make(true) };
const samples: Record<keyof typeof worlds, number[]> = { unsandboxed: [], sandboxed: [] };
const rngs = { unsandboxed: seedrandom.alea('bots'), sandboxed: seedrandom.alea('bots') };
let aborted = 0;

const paired: number[] = [];
for (let i = 0; i < WARM + TICKS; i++) {
  const ms = { unsandboxed: 0, sandboxed: 0 };
  // Alternate which world goes first, so neither always runs right after the other's garbage.
  const order =
    i % 2 === 0 ? (['unsandboxed', 'sandboxed'] as const) : (['sandboxed', 'unsandboxed'] as const);
  for (const name of order) {
    const { engine, ids } = worlds[name];
    botTick(engine, ids, rngs[name]);
    const started = performance.now();
    const record = engine.runTick();
    ms[name] = performance.now() - started;
    aborted += record.calls.filter((c) => !c.result.ok && c.result.code === 'BUDGET_EXCEEDED').length;
  }
  if (i < WARM) continue;
  samples.unsandboxed.push(ms.unsandboxed);
  samples.sandboxed.push(ms.sandboxed);
  paired.push(ms.sandboxed / ms.unsandboxed);
}

const med = (name: keyof typeof worlds) => percentile(samples[name], 0.5);
const p99 = (name: keyof typeof worlds) => percentile(samples[name], 0.99);
const total = (name: keyof typeof worlds) => samples[name].reduce((a, b) => a + b, 0);
const figures: Figure[] = [
  { name: 'paired tick ratio sandboxed/unsandboxed, median', value: percentile(paired, 0.5), unit: 'x' },
  { name: 'paired tick ratio, 25th percentile', value: percentile(paired, 0.25), unit: 'x' },
  { name: 'paired tick ratio, 75th percentile', value: percentile(paired, 0.75), unit: 'x' },
  { name: 'unsandboxed ticks, total', value: total('unsandboxed'), unit: 'ms' },
  {
    name: 'sandboxed ticks, total',
    value: total('sandboxed'),
    unit: 'ms',
    ratio: total('sandboxed') / total('unsandboxed'),
    baseline: 'unsandboxed ticks, total',
  },
  { name: 'unsandboxed tick, median', value: med('unsandboxed'), unit: 'ms' },
  {
    name: 'sandboxed tick, median',
    value: med('sandboxed'),
    unit: 'ms',
    ratio: med('sandboxed') / med('unsandboxed'),
    baseline: 'unsandboxed tick, median',
  },
  { name: 'unsandboxed tick, p99', value: p99('unsandboxed'), unit: 'ms' },
  {
    name: 'sandboxed tick, p99',
    value: p99('sandboxed'),
    unit: 'ms',
    ratio: p99('sandboxed') / p99('unsandboxed'),
    baseline: 'unsandboxed tick, p99',
  },
];
// Both worlds ran the same bots on the same code: their state must agree, or the figures compare
// two different worlds.
const same =
  worlds.unsandboxed.engine.db.avatar.iter().length === worlds.sandboxed.engine.db.avatar.iter().length &&
  worlds.unsandboxed.engine.stateHash === worlds.sandboxed.engine.stateHash;
report('frontier-sandbox', figures, {
  bots: BOTS,
  ticks: TICKS,
  warmTicks: WARM,
  goal: 'sandboxed at most 1.10x unsandboxed',
  aborted,
  sameState: same,
});
if (!same) console.log('WARNING: the two worlds diverged');
