import { availableParallelism, cpus, totalmem } from 'node:os';
import { hasTaskset } from './server-process';

/** Where a report was measured: numbers mean little without it. */
export interface Environment {
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly taskset: boolean;
}

/** The current machine. */
export function describeEnvironment(): Environment {
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    taskset: hasTaskset(),
  };
}

/** One line for the top of a report. */
export function environmentLine(env: Environment, pinned: boolean): string {
  return (
    `Measured ${env.date.slice(0, 16).replace('T', ' ')} UTC on ${env.cores} cores (${env.cpuModel}), Node ${env.node}; ` +
    (pinned
      ? 'server pinned to core 0 and driver to core 1 with taskset.'
      : 'server and driver not pinned (no taskset, one core, or --url).')
  );
}
