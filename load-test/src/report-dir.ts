import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the load test writes its reports unless `--out` says otherwise: a git-ignored folder at
 * the repository root, so a run leaves no untracked files among the committed figures of
 * `bench-results/` (copy a report there on purpose when it backs a published figure).
 */
export const DEFAULT_REPORT_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'loadtest-results',
);
