/**
 * The Frontier module as a module file, so `tickspace --module server/src/cli/frontier-module.ts`
 * (and data directories whose manifest records this path) load it like any other module.
 * Seed, world size and content come from TICKSPACE_SEED, TICKSPACE_WORLD_TILES and TICKSPACE_CONTENT when set.
 */
import { createFrontier } from '../world';

const frontier = await createFrontier({
  seed: process.env.TICKSPACE_SEED ?? 'frontier',
  ...(process.env.TICKSPACE_WORLD_TILES ? { worldTiles: Number(process.env.TICKSPACE_WORLD_TILES) } : {}),
  ...(process.env.TICKSPACE_CONTENT ? { contentDir: process.env.TICKSPACE_CONTENT } : {}),
});

export default frontier.module;
