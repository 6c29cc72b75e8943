import { cpus, loadavg, totalmem } from 'node:os';
import { hasTaskset, startupCores } from './server-process';

/** Where a report was measured: numbers mean little without it. */
export interface Environment {
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly taskset: boolean;
  /** The 1-minute load average when the report was made: other work on the machine skews results. */
  readonly loadAverage: number;
}

/** The current machine. */
export function describeEnvironment(): Environment {
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: startupCores,
    memoryBytes: totalmem(),
    taskset: hasTaskset(),
    loadAverage: loadavg()[0] ?? 0,
  };
}

/** One line for the top of a report. */
export function environmentLine(env: Environment, pinned: boolean): string {
  return (
    `Measured ${env.date.slice(0, 16).replace('T', ' ')} UTC on ${env.cores} cores (${env.cpuModel}), Node ${env.node}; ` +
    (pinned
      ? 'server pinned to core 0 and driver to core 1 with taskset'
      : 'server and driver not pinned (no taskset, one core, or --url)') +
    `; machine load average ${env.loadAverage.toFixed(1)} at the end` +
    (env.loadAverage > env.cores
      ? ' (other work was competing for the cores: figures are pessimistic).'
      : '.')
  );
}
