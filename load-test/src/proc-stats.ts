import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One reading of a process's resource use. */
export interface ProcSample {
  /** Wall-clock time of the reading, ms since the epoch. */
  readonly atMs: number;
  /** CPU used since the previous reading, in percent of one core (200 = two cores busy). */
  readonly cpuPercent: number;
  /** Total CPU time used since the process started, ms (user + system). */
  readonly cpuTotalMs: number;
  /** Resident set size, bytes. */
  readonly rssBytes: number;
}

/** Reads CPU and RSS of one process, pidusage-style, from `/proc/<pid>/stat` (Linux only). */
export interface ProcSampler {
  readonly pid: number;
  /** Takes a reading; undefined once the process is gone or where `/proc` does not exist. */
  sample(): ProcSample | undefined;
}

let clockTicks: number | undefined;
let pageBytes: number | undefined;

/** `getconf` values, read once: the kernel's clock tick rate and page size. */
function sysconf(): { ticksPerSecond: number; pageBytes: number } {
  if (clockTicks === undefined || pageBytes === undefined) {
    const read = (name: string, fallback: number) => {
      const out = spawnSync('getconf', [name], { encoding: 'utf8' });
      const value = Number.parseInt(out.stdout ?? '', 10);
      return Number.isFinite(value) && value > 0 ? value : fallback;
    };
    clockTicks = read('CLK_TCK', 100);
    pageBytes = read('PAGESIZE', 4096);
  }
  return { ticksPerSecond: clockTicks, pageBytes };
}

/** Parses the fields we need out of a `/proc/<pid>/stat` line. Exported for tests. */
export function parseProcStat(
  line: string,
): { utimeTicks: number; stimeTicks: number; rssPages: number } | undefined {
  // The command name (field 2) is in parentheses and may contain spaces: split after its closing one.
  const close = line.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = line.slice(close + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime 15, rss 24.
  const utimeTicks = Number(fields[11]);
  const stimeTicks = Number(fields[12]);
  const rssPages = Number(fields[21]);
  if (!Number.isFinite(utimeTicks) || !Number.isFinite(stimeTicks) || !Number.isFinite(rssPages))
    return undefined;
  return { utimeTicks, stimeTicks, rssPages };
}

/**
 * Creates a sampler for a process. The first reading's `cpuPercent` covers the time since the
 * sampler was created.
 * @example
 * const server = createProcSampler(child.pid);
 * setInterval(() => console.log(server.sample()?.cpuPercent), 1000);
 */
export function createProcSampler(pid: number): ProcSampler {
  const { ticksPerSecond, pageBytes: page } = sysconf();
  const read = () => {
    try {
      const parsed = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      if (parsed === undefined) return undefined;
      return {
        atMs: performance.timeOrigin + performance.now(),
        cpuMs: ((parsed.utimeTicks + parsed.stimeTicks) * 1000) / ticksPerSecond,
        rssBytes: parsed.rssPages * page,
      };
    } catch {
      return undefined;
    }
  };
  let last = read();
  return {
    pid,
    sample() {
      const now = read();
      if (now === undefined) return undefined;
      const previous = last ?? now;
      last = now;
      const elapsedMs = now.atMs - previous.atMs;
      const cpuPercent = elapsedMs > 0 ? ((now.cpuMs - previous.cpuMs) / elapsedMs) * 100 : 0;
      return { atMs: now.atMs, cpuPercent, cpuTotalMs: now.cpuMs, rssBytes: now.rssBytes };
    },
  };
}
