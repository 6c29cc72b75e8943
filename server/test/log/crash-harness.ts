/**
 * Kill-and-recover loop shared by the crash integration test and the soak benchmark: start a real
 * child process writing ticks with fsync per tick, SIGKILL it at a seeded random moment (sometimes
 * during startup and recovery), sometimes tear the unacknowledged tail of the log as a power loss
 * would, then recover in this process and check that every tick the child reported durable is
 * present with its hash, that the recovered state is the last record's (no half-applied tick), and
 * that re-executing the new ticks reproduces the log.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { openDatabase } from '../../src/engine/tooling';
import { bank } from '../engine/fixtures';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

/**
 * Bundles a child script of this folder (default crash-child.ts) into one ESM file under
 * node_modules/.cache (so its packages resolve), so each start costs tens of ms instead of a
 * TypeScript loader's half second.
 */
export async function buildChild(name = 'crash-child'): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = path.join(repoRoot, 'node_modules', '.cache', 'tickspace', `${name}-${process.pid}.mjs`);
  await build({
    entryPoints: [path.join(here, `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return outfile;
}

/** What one kill-and-recover iteration saw. */
export interface IterationReport {
  readonly iteration: number;
  readonly mode: 'startup' | 'running';
  /** Ticks the child reported durable in this run. */
  readonly acked: number;
  /** Whether the harness tore the unacknowledged tail after the kill. */
  readonly tore: boolean;
  /** What recovery cut, if anything. */
  readonly cut: string | undefined;
  readonly lastTick: number;
  readonly replayedTicks: number;
}

/** Options for {@link crashLoop}. */
export interface CrashLoopOptions {
  readonly dir: string;
  readonly iterations: number;
  readonly seed: string;
  /** Kill after 1..maxAcked durable ticks. @default 30 */
  readonly maxAcked?: number;
  readonly segmentBytes?: number;
  readonly snapshotEveryTicks?: number;
  /** Re-execute the ticks added since the last check every this many iterations (and all of them at the end). @default 10 */
  readonly replayEvery?: number;
  readonly onIteration?: (report: IterationReport) => void;
}

interface Durable {
  tick: number;
  hash: string;
  file: string;
  end: number;
}

/** Runs the loop; throws an Error describing the first violated guarantee. */
export async function crashLoop(
  options: CrashLoopOptions,
): Promise<{ reports: IterationReport[]; ackedTicks: number; lastTick: number }> {
  const child = await buildChild();
  const rng = seedrandom.alea(options.seed);
  const acked = new Map<number, string>();
  const reports: IterationReport[] = [];
  const startChild = () =>
    spawn(
      process.execPath,
      [child, options.dir, String(options.segmentBytes ?? 4096), String(options.snapshotEveryTicks ?? 25)],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, CRASH_CHILD_WAIT: '1' },
      },
    );
  const warm: ReturnType<typeof startChild>[] = [];
  let verifiedThrough = 0;
  let keep: { file: string; end: number } | undefined;
  try {
    for (let iteration = 0; iteration < options.iterations; iteration++) {
      const tSpawn = performance.now();
      let tReady = 0;
      const mode = rng() < 0.12 ? 'startup' : 'running';
      const killAfter = 1 + Math.floor(rng() * (options.maxAcked ?? 30));
      // Children are started a few iterations ahead and wait for a go line: start-up overlaps the previous runs.
      while (warm.length < 3) warm.push(startChild());
      const proc = warm.shift()!;
      proc.stdin.write('go\n');
      let stderr = '';
      proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const seen: Durable[] = [];
      let killed = false;
      const kill = () => {
        if (!killed) {
          killed = true;
          proc.kill('SIGKILL');
        }
      };
      if (mode === 'startup') setTimeout(kill, rng() * 60);
      const lines = readline.createInterface({ input: proc.stdout });
      const closed = new Promise<void>((resolve) => lines.once('close', () => resolve()));
      lines.on('line', (line) => {
        const msg = JSON.parse(line) as Durable & { ready?: boolean };
        if (msg.ready) {
          tReady = performance.now();
          return;
        }
        seen.push(msg);
        // A random extra moment after the kth durable tick: the child is mid-write, mid-fsync or mid-snapshot.
        if (mode === 'running' && seen.length === killAfter) setTimeout(kill, rng() * 6);
      });
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        proc.on('exit', (code, signal) => resolve({ code, signal })),
      );
      await closed;
      const tExit = performance.now();
      if (exit.signal !== 'SIGKILL')
        throw new Error(`iteration ${iteration}: the child exited by itself (code ${exit.code}): ${stderr}`);
      for (const d of seen) acked.set(d.tick, d.hash);

      // Power-loss style damage beyond the last acknowledged byte: a torn or zero-filled tail.
      for (const d of seen) keep = { file: d.file, end: d.end };
      let tore = false;
      const segs = fs
        .readdirSync(path.join(options.dir, 'log'))
        .filter((n) => n.endsWith('.tslog'))
        .sort();
      const tailFile = segs.length > 0 ? path.join(options.dir, 'log', segs[segs.length - 1]!) : undefined;
      if (tailFile !== undefined && rng() < 0.35) {
        const size = fs.statSync(tailFile).size;
        // Bytes up to `keep` hold acknowledged (or already verified) ticks: never touch them.
        const floor =
          keep === undefined || tailFile > keep.file ? 0 : tailFile === keep.file ? keep.end : size;
        // A kill that landed right after an acknowledgement leaves nothing unacknowledged to tear:
        // a power loss can still leave zeros behind the last record (the file's length grew before
        // its data reached the disk), so the torn path runs whatever the kill's timing was.
        if (size > floor) fs.truncateSync(tailFile, floor + Math.floor(rng() * (size - floor)));
        if (size <= floor || rng() < 0.3)
          fs.appendFileSync(tailFile, Buffer.alloc(1 + Math.floor(rng() * 200)));
        tore = true;
      }

      // Recover here and check the guarantees.
      const db = await openDatabase({
        dir: options.dir,
        module: bank,
        durability: 'never',
        snapshotEveryTicks: 0,
        snapshotEveryBytes: 0,
        logger: { error: () => {}, warn: () => {} },
      });
      try {
        const lastTick = db.recovery.lastTick;
        const maxAcked = Math.max(0, ...acked.keys());
        if (lastTick < maxAcked)
          throw new Error(
            `iteration ${iteration}: recovered to tick ${lastTick}, but tick ${maxAcked} was acknowledged durable`,
          );
        if (seen.length > 0) {
          const logged = new Map<number, string>();
          for (const rec of db.ticks(seen[0]!.tick, seen[seen.length - 1]!.tick, {
            calls: false,
            changes: false,
          }))
            logged.set(rec.tick, rec.stateHash);
          for (const d of seen)
            if (logged.get(d.tick) !== d.hash)
              throw new Error(
                `iteration ${iteration}: durable tick ${d.tick} had hash ${d.hash}, the log now says ${logged.get(d.tick)}`,
              );
        }
        if (lastTick > 0) {
          const [rec] = [...db.ticks(lastTick, lastTick, { calls: false, changes: false })];
          if (db.engine.stateHash !== rec!.stateHash)
            throw new Error(
              `iteration ${iteration}: recovered state hash ${db.engine.stateHash} is not the last record's ${rec!.stateHash} (a half-applied tick)`,
            );
        }
        const from = Math.min(verifiedThrough + 1, lastTick);
        let replayed = 0;
        const replayNow = (iteration + 1) % (options.replayEvery ?? 10) === 0;
        if (replayNow && lastTick > 0 && from <= lastTick) {
          const report = await db.replay(Math.max(1, from), lastTick);
          if (!report.ok)
            throw new Error(`iteration ${iteration}: replay diverged: ${report.divergence!.message}`);
          replayed = report.verifiedTicks;
        }
        if (replayNow) verifiedThrough = lastTick;
        const tail = db.store.segments[db.store.segments.length - 1];
        if (tail !== undefined) keep = { file: tail.file, end: tail.validEnd };
        const c = db.recovery.cut;
        const report: IterationReport = {
          iteration,
          mode,
          acked: seen.length,
          tore,
          cut: c === undefined ? undefined : `${path.basename(c.file)}@${c.offset} (${c.reason})`,
          lastTick,
          replayedTicks: replayed,
        };
        reports.push(report);
        if (process.env.CRASH_TIMING)
          console.log(
            `spawn->ready ${(tReady - tSpawn).toFixed(0)} ready->exit ${(tExit - tReady).toFixed(0)} verify ${(performance.now() - tExit).toFixed(0)}`,
          );
        options.onIteration?.(report);
      } finally {
        await db.close();
      }
    }
    // The end state equals a clean re-execution of the whole history from tick 0.
    const db = await openDatabase({
      dir: options.dir,
      module: bank,
      durability: 'never',
      snapshotEveryTicks: 0,
      snapshotEveryBytes: 0,
      logger: { error: () => {}, warn: () => {} },
    });
    try {
      const full = await db.replay();
      if (!full.ok) throw new Error(`full replay diverged: ${full.divergence!.message}`);
      return { reports, ackedTicks: acked.size, lastTick: db.recovery.lastTick };
    } finally {
      await db.close();
    }
  } finally {
    for (const proc of warm) proc.kill('SIGKILL');
    fs.rmSync(child, { force: true });
  }
}
