import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { DEFAULT_CONTENT_DIR } from '../../server/src/world/content-files';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A temporary copy of the shipped content files (JSON only), removed after the test. */
export function copyContent(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontier-content-'));
  dirs.push(dir);
  for (const f of fs.readdirSync(DEFAULT_CONTENT_DIR))
    if (f.endsWith('.json') && f !== 'package.json')
      fs.copyFileSync(path.join(DEFAULT_CONTENT_DIR, f), path.join(dir, f));
  return dir;
}

/** Reads, edits and writes back one JSON file of a content directory. */
export function edit(dir: string, file: string, change: (data: any) => unknown): void {
  const p = path.join(dir, file);
  const data = JSON.parse(fs.readFileSync(p, 'utf8'));
  const result = change(data);
  fs.writeFileSync(p, JSON.stringify(result === undefined ? data : result, null, 2) + '\n');
}
