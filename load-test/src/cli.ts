/**
 * `npm run loadtest -- ...`: one run, a sweep, a Tickspace-vs-Colyseus comparison, or the keynote
 * transfer scenario. Every run is bounded in time and stops by itself; results go to
 * `loadtest-results/loadtest-*.json|md|html` (git-ignored; `--out <dir>` writes elsewhere).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { relative } from 'node:path';
import { runLoad, type LoadRunOptions } from './driver';
import { describeEnvironment } from './environment';
import { renderMarkdown } from './report-document';
import {
  compareReport,
  runReport,
  sweepReport,
  writeReport,
  type CompareResult,
  type WrittenReport,
} from './reports';
import { lodCompareReport, runLodCompare } from './lod-compare';
import { createMovementScenario, DEFAULT_LOD, type ScenarioLod } from './scenario';
import type { ServerConfig, ServerProbe, TargetName } from './server-ipc';
import { runSweep } from './sweep';
import { DEFAULT_REPORT_DIR } from './report-dir';

const int = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};
const num = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number`);
  return n;
};
const list = (value: string) => {
  const steps = value.split(',').map((s) => Number(s.trim()));
  if (steps.length === 0 || steps.some((n) => !Number.isInteger(n) || n <= 0))
    throw new InvalidArgumentError('expected a comma-separated list of positive integers');
  return steps;
};

interface CliOptions {
  target: TargetName;
  scenario: 'movement' | 'transfer' | 'frontier';
  mix?: string;
  worldTiles?: number;
  regions?: string;
  clients?: number;
  duration?: number;
  ramp?: number;
  url?: string;
  sweep?: number[];
  compare?: boolean;
  workers?: number;
  tickMs?: number;
  inputHz?: number;
  radius?: number;
  areaPerClient?: number;
  worldSize?: number;
  seed?: string;
  pin: boolean;
  out: string;
  quiet?: boolean;
  keepGoing?: boolean;
  accounts: number;
  inFlight: number;
  serve?: number;
  observers?: number;
  profileServer?: string;
  lod?: string | true;
  lodCompare?: boolean;
  rounds?: number;
}

/**
 * `--lod` with no value: the default level of detail for the radius; `--lod 40,4`: radius 40
 * (world units), every 4th tick.
 */
function parseLod(value: string | true, aoiRadius: number): ScenarioLod {
  if (value === true) return { radius: aoiRadius * DEFAULT_LOD.radiusFraction, every: DEFAULT_LOD.every };
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n)))
    throw new InvalidArgumentError(`--lod takes <radius>,<every> (e.g. 40,4), got '${value}'`);
  return { radius: parts[0]!, every: parts[1]! };
}

/** Default sweep and comparison steps. */
const DEFAULT_STEPS = [250, 500, 1000, 2000];

function printWritten(paths: WrittenReport): void {
  console.log(
    `\nwrote ${[paths.json, paths.markdown, paths.html].map((p) => relative(process.cwd(), p)).join(', ')}`,
  );
}

/** `--serve`: the server under test in the foreground, for a driver started elsewhere with `--url`. */
async function serve(o: CliOptions): Promise<void> {
  const movement = createMovementScenario({
    clients: o.clients ?? 100,
    ...(o.tickMs === undefined ? {} : { tickMs: o.tickMs }),
    ...(o.inputHz === undefined ? {} : { inputHz: o.inputHz }),
    ...(o.radius === undefined ? {} : { aoiRadius: o.radius }),
    ...(o.areaPerClient === undefined ? {} : { areaPerClient: o.areaPerClient }),
    ...(o.worldSize === undefined ? {} : { worldSize: o.worldSize }),
    ...(o.seed === undefined ? {} : { seed: o.seed }),
  });
  const durationS = o.duration ?? 600;
  const config: ServerConfig = {
    target: o.target,
    scenario: o.scenario,
    movement,
    accounts: o.accounts,
    maxLifetimeS: durationS,
    port: o.serve,
  };
  let ticks = 0;
  const probe: ServerProbe = { tick: () => void ticks++ };
  const server =
    o.target === 'colyseus'
      ? await (await import('./colyseus-server')).startColyseusServer(config, probe)
      : await (await import('./tickspace-server')).startTickspaceServer(config, probe);
  console.log(
    `${o.target} ${o.scenario} server at ${server.url} (world ${movement.worldSize.toFixed(0)}, sized for ${o.clients ?? 100} clients); stops in ${durationS} s or on Ctrl-C`,
  );
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, durationS * 1000);
    const status = setInterval(() => {
      const s = server.status();
      console.log(`  ${(ticks / 5).toFixed(1)} ticks/s, ${s.clients} clients, ${s.entities} entities`);
      ticks = 0;
    }, 5000);
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    void timer;
    void status;
  });
  await server.stop();
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('loadtest')
    .description(
      'Drive N real WebSocket clients against Tickspace or the Colyseus peer and report what the server sustained.',
    )
    .addOption(
      new Option('--target <name>', 'server under test')
        .choices(['tickspace', 'colyseus'])
        .default('tickspace'),
    )
    .addOption(
      new Option(
        '--scenario <name>',
        'movement (area of interest, both targets), transfer (keynote bank transfers) or frontier (the Frontier world played by sim bots); the last two Tickspace only',
      )
        .choices(['movement', 'transfer', 'frontier'])
        .default('movement'),
    )
    .option('--clients <n>', 'clients to connect (default 100; transfer: 64)', int('--clients'))
    .option(
      '--duration <s>',
      'measured seconds after the ramp (default 30; sweep and compare: 15)',
      num('--duration'),
    )
    .option(
      '--ramp <s>',
      'seconds over which clients connect (default clients / 200, at most 10)',
      num('--ramp'),
    )
    .option(
      '--url <url>',
      'drive a running server instead of starting one (no server tick or CPU figures then)',
    )
    .option(
      '--sweep <list>',
      'client counts to sweep, e.g. 250,500,1000,2000: finds the largest that holds 20 Hz with p99 tick < 50 ms',
      list,
    )
    .option('--compare', 'sweep both Tickspace and Colyseus and write one side-by-side table')
    .option(
      '--workers <n>',
      'driver worker threads (default: the cores the driver may use, at most 4)',
      int('--workers'),
    )
    .option('--tick-ms <ms>', 'server tick period (default 50 = 20 Hz)', num('--tick-ms'))
    .option('--input-hz <n>', 'steps each client sends per second (default 10)', num('--input-hz'))
    .option('--radius <units>', 'area-of-interest radius (default 100)', num('--radius'))
    .option(
      '--area-per-client <units2>',
      'world area per client; sizes the world (default 1000: about 31 entities in view)',
      num('--area-per-client'),
    )
    .option('--world-size <units>', 'fixed world side instead of --area-per-client', num('--world-size'))
    .option('--seed <text>', 'seed for spawns and walks (default loadtest)')
    .option('--no-pin', 'do not pin the server and the driver to separate cores with taskset')
    .option('--keep-going', 'sweep: keep going after a step that does not hold')
    .option('--out <dir>', 'directory for the reports (git-ignored by default)', DEFAULT_REPORT_DIR)
    .option('--quiet', 'no live progress lines')
    .option(
      '--profile-server <dir>',
      'write a V8 CPU profile of the server under test to <dir> (open it in Chrome DevTools)',
    )
    .option(
      '--serve <port>',
      'only start the target server on 127.0.0.1:<port> (for --url runs from another shell); stops after --duration s or Ctrl-C',
      int('--serve'),
    )
    .option('--accounts <n>', 'transfer: number of accounts', int('--accounts'), 100_000)
    .option(
      '--observers <n>',
      'clients that decode every update (default min(clients, 100)); the rest count state bytes only',
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0)
          throw new InvalidArgumentError('--observers must be an integer >= 0');
        return n;
      },
    )
    .option(
      '--mix <shares>',
      "frontier: tier shares of the sim population, e.g. human=0.9,naive=0.1 (default: the sim's)",
    )
    .option(
      '--world-tiles <n>',
      'frontier: world side in tiles (default: the Frontier default)',
      int('--world-tiles'),
    )
    .option(
      '--regions <CxR>',
      'frontier: serve the world as a region world (as `tickspace serve --regions`): a local nats-server, a process and fsynced log per region, the bots through the gateway; the tick figures are per region and the run holds if every region does',
    )
    .option('--in-flight <n>', 'transfer: requests each client keeps in flight', int('--in-flight'), 128)
    .option(
      '--lod [radius,every]',
      'movement on tickspace: a level of detail on each area of interest (default: 40% of --radius near, the rest every 4th tick)',
    )
    .option(
      '--lod-compare',
      'movement on tickspace: alternate runs without and with --lod at --clients, one table of ratios',
    )
    .option('--rounds <n>', 'lod-compare: pairs of runs (default 2)', int('--rounds'))
    .parse(argv);
  const o = program.opts<CliOptions>();
  const env = describeEnvironment();
  const log = o.quiet === true ? undefined : (line: string) => console.log(line);

  if (o.serve !== undefined) {
    await serve(o);
    return;
  }

  if (o.scenario === 'transfer') {
    const { runTransfer, transferReport } = await import('./transfer');
    const result = await runTransfer({
      clients: o.clients ?? 64,
      durationS: o.duration ?? 15,
      accounts: o.accounts,
      inFlight: o.inFlight,
      pin: o.pin,
      ...(o.profileServer === undefined ? {} : { profileServer: o.profileServer }),
      ...(o.tickMs === undefined ? {} : { tickMs: o.tickMs }),
      ...(o.workers === undefined ? {} : { workers: o.workers }),
      ...(log === undefined ? {} : { log }),
    });
    const doc = transferReport(result, env);
    console.log('\n' + renderMarkdown(doc));
    printWritten(writeReport(o.out, 'loadtest-transfer', doc, { environment: env, result }));
    return;
  }

  const lod =
    o.lod === undefined && o.lodCompare === true
      ? parseLod(true, o.radius ?? 100)
      : o.lod === undefined
        ? undefined
        : parseLod(o.lod, o.radius ?? 100);
  const base: Omit<LoadRunOptions, 'clients' | 'target'> = {
    durationS: o.duration ?? (o.sweep !== undefined || o.compare === true ? 15 : 30),
    pin: o.pin,
    ...(o.ramp === undefined ? {} : { rampS: o.ramp }),
    ...(o.url === undefined ? {} : { url: o.url }),
    ...(o.workers === undefined ? {} : { workers: o.workers }),
    ...(o.observers === undefined ? {} : { observers: o.observers }),
    ...(o.scenario === 'frontier' ? { scenario: 'frontier' as const } : {}),
    ...(o.mix === undefined ? {} : { mix: o.mix }),
    ...(o.worldTiles === undefined ? {} : { worldTiles: o.worldTiles }),
    ...(o.regions === undefined ? {} : { regions: o.regions }),
    ...(o.profileServer === undefined ? {} : { profileServer: o.profileServer }),
    ...(o.tickMs === undefined ? {} : { tickMs: o.tickMs }),
    ...(o.inputHz === undefined ? {} : { inputHz: o.inputHz }),
    ...(o.radius === undefined ? {} : { aoiRadius: o.radius }),
    ...(o.areaPerClient === undefined ? {} : { areaPerClient: o.areaPerClient }),
    ...(o.worldSize === undefined ? {} : { worldSize: o.worldSize }),
    ...(o.seed === undefined ? {} : { seed: o.seed }),
    // --lod-compare runs both sides itself.
    ...(lod === undefined || o.lodCompare === true ? {} : { lod }),
    ...(log === undefined ? {} : { log }),
  };
  const onStep = (
    r: { target: string; clients: number; summary: { ticksPerSecond: number; tick: { p99Ms: number } } },
    held: boolean,
  ) =>
    console.log(
      `==> ${r.target} ${r.clients} clients: ${r.summary.ticksPerSecond.toFixed(1)} ticks/s, p99 tick ${r.summary.tick.p99Ms.toFixed(1)} ms: ${held ? 'held' : 'did not hold'}`,
    );

  if (o.lodCompare === true) {
    const result = await runLodCompare({
      ...base,
      clients: o.clients ?? 500,
      lod: lod!,
      ...(o.rounds === undefined ? {} : { rounds: o.rounds }),
    });
    const doc = lodCompareReport(result, env);
    console.log('\n' + renderMarkdown(doc));
    printWritten(writeReport(o.out, `loadtest-lod-${result.clients}`, doc, { environment: env, result }));
    return;
  }
  if (o.compare === true) {
    const steps = o.sweep ?? DEFAULT_STEPS;
    const stopAfterFailure = o.keepGoing !== true;
    const tickspace = await runSweep({ ...base, target: 'tickspace', steps, stopAfterFailure, onStep });
    const colyseus = await runSweep({ ...base, target: 'colyseus', steps, stopAfterFailure, onStep });
    const compare: CompareResult = { tickspace, colyseus };
    const doc = compareReport(compare, env);
    console.log('\n' + renderMarkdown(doc));
    printWritten(writeReport(o.out, 'loadtest-compare', doc, { environment: env, compare }));
    return;
  }
  if (o.sweep !== undefined) {
    const sweep = await runSweep({
      ...base,
      target: o.target,
      steps: o.sweep,
      stopAfterFailure: o.keepGoing !== true,
      onStep,
    });
    const doc = sweepReport(sweep, env);
    console.log('\n' + renderMarkdown(doc));
    const name =
      o.scenario === 'frontier'
        ? `loadtest-sweep-frontier${o.regions === undefined ? '' : `-regions-${o.regions}`}`
        : `loadtest-sweep-${o.target}`;
    printWritten(writeReport(o.out, name, doc, { environment: env, sweep }));
    return;
  }
  const result = await runLoad({ ...base, target: o.target, clients: o.clients ?? 100 });
  const doc = runReport(result, env);
  console.log('\n' + renderMarkdown(doc));
  const name =
    o.scenario === 'frontier'
      ? `loadtest-frontier${o.regions === undefined ? '' : `-regions-${o.regions}`}-${result.clients}`
      : `loadtest-${o.target}-${result.clients}`;
  printWritten(writeReport(o.out, name, doc, { environment: env, result }));
}

main(process.argv).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? `loadtest: ${error.message}` : error);
    process.exit(1);
  },
);
