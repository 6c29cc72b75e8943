/**
 * Frontier's tick in the sandbox against Frontier unsandboxed, in one run: the same world (500
 * walking and gathering bots), built once from createFrontier (what `serve --no-sandbox` runs) and
 * once from its sandboxed bundle (what `serve` runs: SES Compartment, host modules, globals bound),
 * each run for interleaved rounds of ticks under serve's default tick budget. Reports the median and
 * p99 tick and the sandboxed/unsandboxed ratio.
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
const TICKS = Number(process.argv[3] ?? 100);
const ROUNDS = 4;
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

for (let round = 0; round < ROUNDS; round++)
  for (const name of ['unsandboxed', 'sandboxed'] as const) {
    const { engine, ids } = worlds[name];
    for (let i = 0; i < TICKS; i++) {
      botTick(engine, ids, rngs[name]);
      const started = performance.now();
      const record = engine.runTick();
      const ms = performance.now() - started;
      if (round > 0) samples[name].push(ms); // round 0 warms the JIT
      aborted += record.calls.filter((c) => !c.result.ok && c.result.code === 'BUDGET_EXCEEDED').length;
    }
  }

const med = (name: keyof typeof worlds) => percentile(samples[name], 0.5);
const p99 = (name: keyof typeof worlds) => percentile(samples[name], 0.99);
const figures: Figure[] = [
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
  ticksPerRound: TICKS,
  rounds: ROUNDS,
  aborted,
  sameState: same,
});
if (!same) console.log('WARNING: the two worlds diverged');
