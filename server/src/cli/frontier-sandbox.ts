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
import type { ContentSources } from '../world/content-loader';
import * as newWorldContent from '../world/new-world-content';

const WORLD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'world');

/** The host modules Frontier's bundle requires, by name. */
const RAPIER_NAME = '@dimforge/rapier2d-deterministic-compat';
const NEW_WORLD_CONTENT_NAME = 'tickspace:frontier/new-world-content';

/** What serve bundles as Frontier: the entry file and how it bundles. */
export interface FrontierSource {
  /** The file bundled into the Compartment: its default export is Frontier's module factory. */
  readonly entry: string;
  /**
   * The content schema is bundled in; rapier (WASM), seedrandom and zod (which the content schema
   * uses) are the host's, and so is the holder of a new world's content (the folder's
   * new-world-content.ts, lent as the host's instance).
   */
  readonly bundle: BundleOptions;
}

/**
 * Frontier's source folder and bundle options: `server/src/world`, or the folder
 * TICKSPACE_FRONTIER_SOURCE names (a copy of it, e.g. a fork being developed with `npm run dev`;
 * its `../engine` must be the kit's engine folder, a symlink will do).
 */
export function frontierSource(env: NodeJS.ProcessEnv = process.env): FrontierSource {
  const dir = path.resolve(env.TICKSPACE_FRONTIER_SOURCE ?? WORLD_DIR);
  return {
    entry: path.join(dir, 'sandbox-entry.ts'),
    bundle: {
      packages: ['@tickspace/content'],
      hostModules: [
        RAPIER_NAME,
        'seedrandom',
        'zod',
        { name: NEW_WORLD_CONTENT_NAME, file: path.join(dir, 'new-world-content.ts') },
      ],
    },
  };
}

/** Whether `file` names Frontier (its host file or its sandbox entry), so it bundles as Frontier. */
export function isFrontierFile(file: string, hostFile: string): boolean {
  const abs = path.resolve(file.split('#')[0]!);
  return abs === path.resolve(hostFile) || abs === frontierSource().entry;
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
 * cannot be compiled inside a Compartment, and its init is asynchronous), and sets the content a
 * new world starts with (`undefined` and `refuse`: the content read is invalid, see
 * world/new-world-content.ts).
 */
export async function provideFrontierHost(
  content: ContentSources | undefined,
  refuse: () => Error,
): Promise<void> {
  const { initRapier } = await import('../world/physics');
  await initRapier();
  provideHostModules({
    [RAPIER_NAME]: await import(RAPIER_NAME),
    seedrandom: await import('seedrandom'),
    zod: await import('zod'),
    [NEW_WORLD_CONTENT_NAME]: newWorldContent,
  });
  newWorldContent.setNewWorldContent(content, refuse);
}
