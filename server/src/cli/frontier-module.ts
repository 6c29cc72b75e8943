/**
 * The Frontier module as a module file, so `tickspace --module server/src/cli/frontier-module.ts`
 * (and data directories whose manifest records this path) load it like any other module.
 * Seed, world size and content come from TICKSPACE_SEED, TICKSPACE_WORLD_TILES and TICKSPACE_CONTENT when set.
 *
 * It is a host file: `tickspace serve` runs Frontier sandboxed from `sandboxEntry` (the bundle of
 * world/sandbox-entry.ts in a SES Compartment, built with the settings below), and this file does
 * what the sandbox cannot: reads the content, initialises rapier, lends the host modules (which a
 * `tickspace replay` of a published version needs too) and, under serve, follows the content
 * directory. The default export is Frontier unsandboxed (`serve --no-sandbox`, the CLI's tools).
 *
 * Content that fails validation does not stop the module from loading: a world with history keeps
 * the content in its tables (and replays from its log), only a new world refuses to start. Under
 * `tickspace serve`, `serveHost` follows the content directory (world/content-host.ts).
 */
import path from 'node:path';
import { contentError, createFrontier, DEFAULT_CONTENT_DIR, serveContent } from '../world';
import { frontierSettingsFromEnv, frontierSource, provideFrontierHost } from './frontier-sandbox';
import type { SandboxEntry, ServeHost } from './module-host';

const contentDir = path.resolve(process.env.TICKSPACE_CONTENT ?? DEFAULT_CONTENT_DIR);
const settings = frontierSettingsFromEnv();

const frontier = await createFrontier({ ...settings, contentDir, lenientContent: true });

await provideFrontierHost(frontier.content === undefined ? undefined : frontier.sources, () =>
  contentError(frontier.contentProblems, `${contentDir}: this new world cannot start`),
);

export default frontier.module;

const source = frontierSource();
/** Frontier in the sandbox: the bundle serve runs, publishes and watches. */
export const sandboxEntry: SandboxEntry = {
  file: source.entry,
  options: { ...source.bundle, config: settings },
};

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
