import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (benchmarks write JSON to `<root>/bench-results`). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One measured figure. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Ratio against the named baseline measured in the same run, when there is one. */
  readonly ratio?: number;
  readonly baseline?: string;
}

/**
 * Runs `batch` (which performs `opsPerBatch` operations) repeatedly for about `minMs`, in `rounds`
 * rounds, and returns the median operations per second. The median resists noisy neighbours.
 */
export function opsPerSecond(
  batch: () => void,
  opsPerBatch: number,
  { rounds = 5, minMs = 300 } = {},
): number {
  batch(); // warm-up: JIT and allocation
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let ops = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      batch();
      ops += opsPerBatch;
      elapsed = performance.now() - start;
    } while (elapsed < minMs);
    rates.push((ops / elapsed) * 1000);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

/** Percentile of a list of samples (q in 0..1). */
export function percentile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Prints a table and writes `bench-results/<name>.json` with the figures and the machine. */
export function report(name: string, figures: readonly Figure[], extra: Record<string, unknown> = {}): void {
  const rows = figures.map((f) => ({
    figure: f.name,
    value: f.value >= 100 ? Math.round(f.value).toLocaleString('en-US') : f.value.toFixed(3),
    unit: f.unit,
    ratio: f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}x vs ${f.baseline}`,
  }));
  console.log(`\n## ${name}`);
  console.table(rows);
  const dir = join(REPO_ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const out = {
    name,
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpus().length}x ${cpus()[0]?.model ?? 'unknown'}`,
    figures,
    ...extra,
  };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(out, null, 2) + '\n');
}
