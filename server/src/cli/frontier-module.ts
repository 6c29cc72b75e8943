/**
 * The Frontier module as a module file, so `tickspace --module server/src/cli/frontier-module.ts`
 * (and data directories whose manifest records this path) load it like any other module.
 * Seed and content come from TICKSPACE_SEED and TICKSPACE_CONTENT when set.
 */
import { createFrontier } from '../world';

const frontier = await createFrontier({
  seed: process.env.TICKSPACE_SEED ?? 'frontier',
  ...(process.env.TICKSPACE_CONTENT ? { contentDir: process.env.TICKSPACE_CONTENT } : {}),
});

export default frontier.module;
