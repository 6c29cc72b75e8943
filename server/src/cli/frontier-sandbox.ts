/**
 * Frontier in the sandbox, as the host sets it up: which file is bundled, what the bundle may
 * import from the host, the world settings it is built with, and lending the host modules (after
 * rapier's WASM is initialised). No work at import, so `tickspace publish` can read the bundle
 * options without loading Frontier.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundleOptions } from '../engine/sandbox';
import { provideHostModules } from '../engine/sandbox';
import type { FrontierSettings } from '../world/frontier-core';

const WORLD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'world');

/** The file bundled into the Compartment: its default export is Frontier's module factory. */
export const FRONTIER_ENTRY = path.join(WORLD_DIR, 'sandbox-entry.ts');

/** The host file whose instance holds a new world's content (see world/new-world-content.ts). */
const NEW_WORLD_CONTENT = path.join(WORLD_DIR, 'new-world-content.ts');

/** The host modules Frontier's bundle requires, by name. */
const RAPIER_NAME = '@dimforge/rapier2d-deterministic-compat';
const NEW_WORLD_CONTENT_NAME = 'tickspace:frontier/new-world-content';

/**
 * How Frontier is bundled: the content schema is bundled in; rapier (WASM), seedrandom and zod
 * (which the content schema uses) are the host's; so is the holder of a new world's content.
 */
export const FRONTIER_BUNDLE: BundleOptions = {
  packages: ['@tickspace/content'],
  hostModules: [RAPIER_NAME, 'seedrandom', 'zod', { name: NEW_WORLD_CONTENT_NAME, file: NEW_WORLD_CONTENT }],
};

/** Whether `file` names Frontier (its host file or its sandbox entry), so it bundles as Frontier. */
export function isFrontierFile(file: string, hostFile: string): boolean {
  const abs = path.resolve(file.split('#')[0]!);
  return abs === path.resolve(hostFile) || abs === FRONTIER_ENTRY;
}

/** The world settings from the environment: TICKSPACE_SEED and TICKSPACE_WORLD_TILES. */
export function frontierSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): FrontierSettings {
  return {
    seed: env.TICKSPACE_SEED ?? 'frontier',
    ...(env.TICKSPACE_WORLD_TILES ? { worldTiles: Number(env.TICKSPACE_WORLD_TILES) } : {}),
  };
}

/**
 * Lends Frontier's host modules to this process's sandboxes, rapier initialised first (its WASM
 * cannot be compiled inside a Compartment, and its init is asynchronous). Returns the host's
 * instance of the new-world content holder, which the caller fills.
 */
export async function provideFrontierHost(): Promise<typeof import('../world/new-world-content')> {
  const { initRapier } = await import('../world/physics');
  await initRapier();
  const content = await import('../world/new-world-content');
  provideHostModules({
    [RAPIER_NAME]: await import(RAPIER_NAME),
    seedrandom: await import('seedrandom'),
    zod: await import('zod'),
    [NEW_WORLD_CONTENT_NAME]: content,
  });
  return content;
}
