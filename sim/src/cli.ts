/**
 * `npm run sim -- [run] --players N --minutes M --seed S [--mix ...]`: runs a population in process
 * and prints progress and a summary. `npm run sim -- trial`: runs a bot-detection trial and writes
 * its report. `npm run sim -- net --url ws://...`: the same bots over WebSockets, in real time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { TIER_LIST, type Tier } from './behaviour/agent';
import { parseMix } from './behaviour/population';
import { createDetector, SUSPICION_TABLE, withSuspicionTable, type Detector } from './detect/detector';
import { loadDetectorModel, scoreBatch, type DetectorModelJson } from './detect/detector-model';
import { streamsFromLog } from './detect/log-streams';
import { openDatabase } from '@tickspace/server/engine/tooling';
import { runInProcess, type SimProgress, type SimResult } from './runners/in-process-runner';
import { runThreaded } from './runners/threaded-runner';
import { runNetworked } from './runners/networked-runner';
import type { SwarmStats } from './runners/bot-swarm';
import { verdictsByTier } from './trial/live-verdicts';
import { writeTrialReport } from './trial/report';
import { runTrial, BOT_TIERS, DEFAULT_HOLDOUT, DEFAULT_TRIAL } from './trial/trial';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`${name} must be a whole number >= 0, got '${v}'`);
  return n;
};
const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError(`${name} must be a number > 0, got '${v}'`);
  return n;
};

function bar(done: number, width = 24): string {
  const full = Math.round(Math.min(1, Math.max(0, done)) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

function progressLine(p: SimProgress, label = 'sim'): string {
  const speed = p.virtualMs / Math.max(1, p.wallMs);
  const errPct = p.calls > 0 ? ((100 * p.errors) / p.calls).toFixed(1) : '0.0';
  return `[${label}] ${bar(p.virtualMs / p.totalMs)} ${(p.virtualMs / 60_000).toFixed(1)}/${(p.totalMs / 60_000).toFixed(1)} min  ${p.ticks} ticks  ${(p.ticks / (p.wallMs / 1000)).toFixed(0)} ticks/s  ${speed.toFixed(2)}x real time  online ${p.online}  calls ${p.calls}  errors ${errPct}%`;
}

function table(rows: readonly (readonly [string, string | number])[], title: string): string {
  const w = Math.max(...rows.map(([k]) => k.length), 4);
  return [`${title}:`, ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)].join('\n');
}

function sorted(record: Record<string, number>): [string, number][] {
  return Object.entries(record).sort((a, b) => b[1] - a[1]);
}

function printSummary(
  r: SimResult,
  detector: Detector | undefined,
  engineSuspicion: number | undefined,
): void {
  const t = r.totals;
  const calls = Object.values(t.calls).reduce((s, n) => s + n, 0);
  const errors = Object.values(t.errors).reduce((s, n) => s + n, 0);
  console.log('');
  console.log(
    table(
      [
        [
          'players',
          `${r.players} (${TIER_LIST.filter((k) => r.tiers[k] > 0)
            .map((k) => `${k} ${r.tiers[k]}`)
            .join(', ')})`,
        ],
        [
          'logical time',
          `${(r.virtualMs / 60_000).toFixed(2)} min in ${(r.wallMs / 1000).toFixed(1)} s wall`,
        ],
        [
          'ticks',
          `${r.ticks} (${r.ticksPerSecond.toFixed(1)} ticks/s achieved, ${r.speedup.toFixed(2)}x real time)`,
        ],
        ['final state hash', r.stateHash],
        ['calls', `${calls} (${errors} failed, ${calls > 0 ? ((100 * errors) / calls).toFixed(2) : '0'}%)`],
      ],
      'summary',
    ),
  );
  console.log(table(sorted(t.calls), 'actions by type'));
  console.log(
    table(
      [
        ['gathers', `${t.gathers} (${t.itemsGathered} items)`],
        ['crafts', `${t.crafts} (${t.itemsCrafted} items)`],
        ['buildings placed', t.placed],
        ['buildings completed', t.built],
        ['chat messages', t.chats],
        ['trades completed', t.trades],
      ],
      'economy',
    ),
  );
  console.log(table(sorted(t.errors).length > 0 ? sorted(t.errors) : [['(none)', 0]], 'errors by code'));
  if (detector !== undefined) {
    const flagged = [...detector.verdicts.values()].filter((v) => v.flagged).length;
    // The simulation knows who is a bot: how the verdicts split over the tiers.
    const byTier = verdictsByTier(
      r.members.map((m) => ({ identity: m.identity, tier: m.agent.tier })),
      detector.verdicts,
    );
    const tiers = TIER_LIST.filter((k) => byTier.has(k)).map(
      (k) => [`flagged ${k}`, `${byTier.get(k)!.flagged} of ${byTier.get(k)!.scored}`] as [string, string],
    );
    console.log(
      table(
        [
          ['identities scored', detector.verdicts.size],
          ['flagged', flagged],
          ...tiers,
          [`rows in '${SUSPICION_TABLE}'`, engineSuspicion ?? 0],
        ],
        'detector',
      ),
    );
  }
}

async function runCommand(o: {
  players: number;
  minutes: number;
  seed: string;
  mix?: string;
  tickMs: number;
  worldTiles: number;
  detector?: string;
  json?: string;
  quiet?: boolean;
  dataDir?: string;
  threads?: number;
}): Promise<void> {
  const mix = parseMix(o.mix, o.players);
  let detector: Detector | undefined;
  let suspicionRows: (() => number) | undefined;
  const model =
    o.detector === undefined
      ? undefined
      : loadDetectorModel(JSON.parse(readFileSync(o.detector, 'utf8')) as DetectorModelJson);
  const run =
    o.threads === undefined
      ? runInProcess
      : (options: Parameters<typeof runThreaded>[0]) => runThreaded({ ...options, threads: o.threads });
  const result = await run({
    mix,
    seed: o.seed,
    minutes: o.minutes,
    tickMs: o.tickMs,
    world: { worldTiles: o.worldTiles },
    ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
    ...(model !== undefined
      ? {
          composeModule: (m) => withSuspicionTable(m),
          onEngine: (engine) => {
            detector = createDetector({ engine, model });
            suspicionRows = () => engine.tables[SUSPICION_TABLE]?.count() ?? 0;
          },
        }
      : {}),
    progressEveryMs: 10_000,
    onProgress: (p) => {
      if (o.quiet !== true) console.log(progressLine(p));
    },
  });
  printSummary(result, detector, suspicionRows?.());
  if (o.json !== undefined) {
    writeFileSync(o.json, JSON.stringify({ ...result, members: undefined }, null, 1));
    console.log(`wrote ${o.json}`);
  }
}

async function trialCommand(o: {
  humans: number;
  bots: number;
  minutes: number;
  seed: string;
  holdout?: string;
  testWorlds: number;
  looVerdicts: boolean;
  model: 'gbt' | 'lr' | 'ensemble';
  fpr: number;
  tiers?: string;
  out: string;
  name?: string;
  worldTiles: number;
  cache?: string;
  only?: 'train' | 'test' | `test-${number}` | `train-${number}`;
  trainWorlds: number;
  varyTraining: boolean;
}): Promise<void> {
  const tiers = o.tiers === undefined ? BOT_TIERS : (o.tiers.split(',').map((s) => s.trim()) as Tier[]);
  if (o.only !== undefined) {
    if (o.cache === undefined) throw new Error('--only needs --cache <dir> to keep the population in');
    await runTrial({
      humans: o.humans,
      bots: o.bots,
      minutes: o.minutes,
      seed: o.seed,
      tiers,
      worldTiles: o.worldTiles,
      testWorlds: o.testWorlds,
      trainWorlds: o.trainWorlds,
      varyTraining: o.varyTraining,
      cacheDir: o.cache,
      only: o.only,
      onProgress: (phase, p) => console.log(progressLine(p, `trial ${phase}`)),
    });
    console.log(`cached the ${o.only} population in ${o.cache}`);
    return;
  }
  const report = await runTrial({
    humans: o.humans,
    bots: o.bots,
    minutes: o.minutes,
    seed: o.seed,
    tiers,
    ...(o.holdout !== undefined
      ? { holdout: o.holdout === 'none' ? 'none' : (o.holdout.split(',').map((t) => t.trim()) as Tier[]) }
      : {}),
    testWorlds: o.testWorlds,
    trainWorlds: o.trainWorlds,
    varyTraining: o.varyTraining,
    leaveOneOutVerdicts: o.looVerdicts,
    model: o.model,
    fprBudget: o.fpr,
    worldTiles: o.worldTiles,
    ...(o.cache !== undefined ? { cacheDir: o.cache } : {}),
    onProgress: (phase, p) => console.log(progressLine(p, `trial ${phase}`)),
  });
  const files = writeTrialReport(report, o.out, o.name ?? o.seed.replace(/[^a-zA-Z0-9_-]/g, '_'));
  console.log('');
  console.log(
    `ROC AUC after ${report.main.minutes} min of play (test population; human FPR at threshold ${(report.main.humanFpr * 100).toFixed(2)}%):`,
  );
  for (const t of report.main.tiers)
    console.log(
      `  ${t.tier.padEnd(10)} AUC ${t.auc.toFixed(3)}  TPR@1%FPR ${(t.tprAt1pctFpr * 100).toFixed(1)}%  TPR@0.1%FPR ${(t.tprAt01pctFpr * 100).toFixed(1)}%${t.heldOut ? '  (held out of training)' : ''}`,
    );
  console.log(`report: ${files.md}\n        ${files.json}\n        ${files.svg}\nmodel:  ${files.model}`);
}

async function netCommand(o: {
  url: string;
  players: number;
  minutes: number;
  seed: string;
  mix?: string;
  workers?: number;
}): Promise<void> {
  const mix = parseMix(o.mix, o.players);
  const print = (s: SwarmStats, ms: number) => {
    const calls = Object.values(s.calls).reduce((a, n) => a + n, 0);
    const errors = Object.values(s.errors).reduce((a, n) => a + n, 0);
    console.log(
      `[net] ${bar(ms / (o.minutes * 60_000))} ${(ms / 1000).toFixed(0)} s  online ${s.online}  connects ${s.connects}  calls ${calls}  errors ${errors}`,
    );
  };
  const result = await runNetworked({
    url: o.url,
    mix,
    seed: o.seed,
    minutes: o.minutes,
    ...(o.workers !== undefined ? { workers: o.workers } : {}),
    reportEveryMs: 5_000,
    onProgress: print,
  });
  console.log('');
  console.log(
    table(
      [
        ['players', result.players],
        ['workers', result.workers],
        ['wall', `${(result.wallMs / 1000).toFixed(1)} s`],
        ['connects', result.stats.connects],
        ['connect failures', result.stats.connectFailures],
      ],
      'summary',
    ),
  );
  console.log(table(sorted(result.stats.calls), 'actions by type'));
  console.log(
    table(
      sorted(result.stats.errors).length > 0 ? sorted(result.stats.errors) : [['(none)', 0]],
      'errors by code',
    ),
  );
}

async function detectCommand(o: { data: string; model: string; top: number }): Promise<void> {
  const model = loadDetectorModel(JSON.parse(readFileSync(o.model, 'utf8')) as DetectorModelJson);
  const db = await openDatabase({ dir: o.data, readOnly: true });
  try {
    const streams = streamsFromLog(db.store);
    const verdicts = scoreBatch(model, streams.iter());
    const scored = streams
      .iter()
      .filter((s) => s.calls > 0)
      .map((s) => ({ identity: s.identity, calls: s.calls, ...verdicts.get(s.identity)! }))
      .sort((a, b) => b.score - a.score);
    console.log(
      `${scored.length} identities in ticks ${db.store.firstTick + 1}..${db.store.lastTick}; ${scored.filter((s) => s.flagged).length} flagged`,
    );
    console.log(
      ['identity', 'score', 'flagged', 'play min', 'bucket', 'calls']
        .map((h, i) => (i === 0 ? h.padEnd(34) : h.padStart(9)))
        .join(''),
    );
    for (const s of scored.slice(0, o.top))
      console.log(
        [
          s.identity.padEnd(34),
          s.score.toFixed(4).padStart(9),
          String(s.flagged).padStart(9),
          s.playMinutes.toFixed(1).padStart(9),
          String(s.bucketMinutes).padStart(9),
          String(s.calls).padStart(9),
        ].join(''),
      );
  } finally {
    await db.close();
  }
}

/** Builds the command line (exported for tests). */
export function buildCli(): Command {
  const program = new Command('sim').description(
    'Tickspace bot harness: simulated players, bot tiers and detection trials',
  );
  program
    .command('run', { isDefault: true })
    .description('run a population in process, in logical time')
    .addOption(new Option('--players <n>', 'players').argParser(int('--players')).default(100))
    .addOption(
      new Option('--minutes <m>', 'logical minutes to play').argParser(positive('--minutes')).default(5),
    )
    .option('--seed <s>', 'seed of the world and the players', 'sim')
    .option(
      '--mix <mix>',
      `tiers as counts or shares, e.g. human=0.9,naive=0.1 (tiers: ${TIER_LIST.join(', ')})`,
    )
    .addOption(new Option('--tick-ms <ms>', 'tick period').argParser(positive('--tick-ms')).default(50))
    .addOption(
      new Option('--world-tiles <n>', 'world size in tiles').argParser(int('--world-tiles')).default(4096),
    )
    .option(
      '--detector <model.json>',
      'attach the live detector with this trained model (writes the suspicion table)',
    )
    .option('--data-dir <dir>', 'keep a commit log there (for replay, time travel, or `sim detect`)')
    .option('--json <file>', 'also write the result as JSON')
    .addOption(
      new Option(
        '--threads <n>',
        "run the bots on n worker threads (the engine stays on this one); the same seed gives the same final hash with any n, not the one-thread runner's",
      ).argParser(int('--threads')),
    )
    .option('--quiet', 'no progress lines')
    .action(runCommand);
  program
    .command('trial')
    .description('run a bot-detection trial and write its report')
    .addOption(
      new Option('--humans <n>', 'humans per population')
        .argParser(int('--humans'))
        .default(DEFAULT_TRIAL.humans),
    )
    .addOption(
      new Option('--bots <n>', 'bots per population, split over the tiers')
        .argParser(int('--bots'))
        .default(DEFAULT_TRIAL.bots),
    )
    .addOption(
      new Option('--minutes <m>', 'logical minutes each population plays')
        .argParser(positive('--minutes'))
        .default(DEFAULT_TRIAL.minutes),
    )
    .addOption(
      new Option(
        '--test-worlds <n>',
        'test worlds pooled (each as many humans as --humans; 3,000 humans for a 0.1% FPR need about 3000/humans)',
      )
        .argParser(int('--test-worlds'))
        .default(DEFAULT_TRIAL.testWorlds),
    )
    .addOption(
      new Option('--train-worlds <n>', 'training worlds pooled (more humans set a 0.1% threshold better)')
        .argParser(int('--train-worlds'))
        .default(DEFAULT_TRIAL.trainWorlds),
    )
    .option(
      '--no-vary-training',
      "training bots play their tiers as written (default: each bot script its own variant of its tier's parameters)",
    )
    .option(
      '--no-loo-verdicts',
      'leave-one-tier-out at the main cutoff only (no time to a verdict per unseen tier)',
    )
    .option('--seed <s>', 'trial seed', 'trial')
    .option('--tiers <list>', `bot tiers (default: ${BOT_TIERS.join(',')})`)
    .option(
      '--holdout <list>',
      `tiers left out of training, comma-separated, or 'none' (default: ${DEFAULT_HOLDOUT.join(',')})`,
    )
    .addOption(new Option('--model <kind>', 'model family').choices(['gbt', 'lr', 'ensemble']).default('gbt'))
    .addOption(
      new Option('--fpr <rate>', 'human false-positive budget of the threshold')
        .argParser(positive('--fpr'))
        .default(0.001),
    )
    .addOption(
      new Option('--world-tiles <n>', 'world size in tiles').argParser(int('--world-tiles')).default(4096),
    )
    .option('--out <dir>', 'report directory', join(ROOT, 'bench-results'))
    .option('--name <name>', 'report name (trial-<name>.*; default: the seed)')
    .option(
      '--cache <dir>',
      'keep population streams there and reuse them for the same seed and settings (retrain without simulating)',
    )
    .option(
      '--only <population>',
      'only simulate this population into --cache: train or test (every world of it), train-<k> or test-<k> (one), so processes can run side by side',
    )
    .action(trialCommand);
  program
    .command('detect')
    .description('score every identity of a commit log offline with a trained detector')
    .requiredOption('--data <dir>', 'data directory (commit log) to read')
    .requiredOption('--model <model.json>', 'trained detector (trial-<name>-model.json)')
    .addOption(new Option('--top <n>', 'identities to list').argParser(int('--top')).default(20))
    .action(detectCommand);
  program
    .command('net')
    .description('run the same bots over WebSockets against a server, in real time, on worker threads')
    .requiredOption('--url <url>', 'server WebSocket URL, e.g. ws://127.0.0.1:3000/ws')
    .addOption(new Option('--players <n>', 'players').argParser(int('--players')).default(100))
    .addOption(
      new Option('--minutes <m>', 'real minutes to play').argParser(positive('--minutes')).default(1),
    )
    .option('--seed <s>', 'seed of the players', 'sim')
    .option('--mix <mix>', 'tiers as counts or shares')
    .addOption(new Option('--workers <n>', 'worker threads').argParser(int('--workers')))
    .action(netCommand);
  return program;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildCli()
    .parseAsync(process.argv)
    .then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
}
