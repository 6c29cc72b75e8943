/**
 * Versions of sandboxed Frontier for the swap benchmarks, bundled from a copy of its source folder
 * edited as a developer would: v2 gives item_def a column with a default (an additive migration),
 * v3 swaps a reducer body (join takes longer names), v4 adds a reducer that never returns.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { frontierSource, provideFrontierHost } from '../src/cli/frontier-sandbox';
import { loadModuleFile, type SandboxedModule } from '../src/engine/sandbox';
import { DEFAULT_CONTENT_DIR, readContentSources } from '../src/world';
import type { FrontierSettings } from '../src/world/frontier-core';
import { REPO_ROOT } from './harness';

function edit(world: string, file: string, from: string | RegExp, to: string): void {
  const full = path.join(world, file);
  const text = fs.readFileSync(full, 'utf8');
  const edited = text.replace(from, to);
  if (edited === text) throw new Error(`${file}: no ${String(from)} to edit`);
  fs.writeFileSync(full, edited);
}

/** The four versions and the world's content (the host lends what the sandbox needs). */
export async function frontierVersions(settings: FrontierSettings): Promise<{
  readonly versions: readonly [SandboxedModule, SandboxedModule, SandboxedModule, SandboxedModule];
  readonly sources: Readonly<Record<string, string>>;
  readonly remove: () => void;
}> {
  const sources = await readContentSources(DEFAULT_CONTENT_DIR);
  await provideFrontierHost(sources, () => new Error('the repository content is invalid'));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'frontier-versions-'));
  const world = path.join(root, 'src', 'world');
  fs.cpSync(path.join(REPO_ROOT, 'server', 'src', 'world'), world, { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'server', 'src', 'engine'), path.join(root, 'src', 'engine'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  const source = frontierSource({ TICKSPACE_FRONTIER_SOURCE: world });
  const load = () => loadModuleFile(source.entry, { ...source.bundle, config: settings });
  const v1 = await load();
  edit(
    world,
    'tables.ts',
    // After item_def's last column, whichever it is: an appended column with a default is additive.
    /(,\n)( {4}\},\n {2}\),\n {2}recipe_def)/,
    '$1      weightGrams: t.u32().default(250),\n$2',
  );
  const v2 = await load();
  edit(world, 'frontier-core.ts', 'options.maxNameChars ?? 16', 'options.maxNameChars ?? 40');
  const v3 = await load();
  edit(
    world,
    'frontier-core.ts',
    '      trading.tradeRespond,\n',
    "      trading.tradeRespond,\n      frontierSchema.reducer('spin', {}, () => {\n        for (;;) {}\n      }),\n",
  );
  const v4 = await load();
  return {
    versions: [v1, v2, v3, v4],
    sources,
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
