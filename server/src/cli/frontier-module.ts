/**
 * The Frontier module as a module file, so `tickspace --module server/src/cli/frontier-module.ts`
 * (and data directories whose manifest records this path) load it like any other module.
 * Seed, world size and content come from TICKSPACE_SEED, TICKSPACE_WORLD_TILES and TICKSPACE_CONTENT when set.
 *
 * Content that fails validation does not stop the module from loading: a world with history keeps
 * the content in its tables (and replays from its log), only a new world refuses to start. Under
 * `tickspace serve`, `serveHost` follows the content directory (world/content-host.ts).
 */
import path from 'node:path';
import { createFrontier, DEFAULT_CONTENT_DIR, serveContent } from '../world';
import type { ServeHost } from './module-host';

const contentDir = path.resolve(process.env.TICKSPACE_CONTENT ?? DEFAULT_CONTENT_DIR);

const frontier = await createFrontier({
  seed: process.env.TICKSPACE_SEED ?? 'frontier',
  ...(process.env.TICKSPACE_WORLD_TILES ? { worldTiles: Number(process.env.TICKSPACE_WORLD_TILES) } : {}),
  contentDir,
  lenientContent: true,
});

export default frontier.module;

/** Debounce of content saves, ms: TICKSPACE_CONTENT_DEBOUNCE_MS. @default 150 */
const debounceMs = process.env.TICKSPACE_CONTENT_DEBOUNCE_MS
  ? Number(process.env.TICKSPACE_CONTENT_DEBOUNCE_MS)
  : undefined;

/** Follows the content directory while serving: start-up reconciliation, then every save. */
export const serveHost: ServeHost = async ({ engine, print }) => {
  const content = await serveContent(engine, {
    dir: contentDir,
    print,
    ...(debounceMs === undefined ? {} : { debounceMs }),
  });
  return { close: () => content.close() };
};
