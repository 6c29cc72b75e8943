/**
 * `tickspace serve`: recover the data directory, start the tick loop with the commit log, and serve
 * WebSocket clients, the HTTP endpoints and the browser client on one port. `npm start` runs this
 * with the Frontier module.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { ServeCommandOptions } from '../cli';
import type { ModuleDef } from '../engine';
import { dataDirPaths, openDatabase, readManifest, type Durability } from '../engine/tooling';
import { createServer, databaseAdmin } from '../net';
import { TickspaceError } from '../protocol/errors';
import {
  createPublishHandler,
  loadServedModule,
  logServedVersion,
  replacedVersionLine,
  servedLoadOptions,
  watchModule,
} from './serve-module';
import { retentionFromFlags } from './retention-flags';
import {
  logFailureLine,
  SERVE_EXIT_CODES,
  stopCleanly,
  stopOnLogFailure,
  watchStopSignals,
} from './serve-stop';
import { parseLimitOptions } from './limit-option';
import { addServeOptions, parsePort } from './serve-options';
import { productName, servedModuleName } from './served-name';
import { loadAdminToken, loadTokenSecret } from './data-dir-secrets';
import { findServeHost, type ServeHostHandle } from './module-host';
import { serveRegions } from './serve-regions';
import { regionServeLayout } from './region-dir';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The module served when `--module` is not given. */
export const DEFAULT_MODULE = path.join(REPO_ROOT, 'server', 'src', 'cli', 'frontier-module.ts');
/** The browser client build served as static files. */
export const CLIENT_DIST = path.join(REPO_ROOT, 'client-demo', 'dist');

interface ExtraOptions {
  seed?: string;
  tickMs?: string;
  durability?: string;
  adminToken?: string;
  static?: string;
  worldTiles?: string;
  retainTicks?: string;
  retainBytes?: string;
  limit: string[];
  newTokenSecret?: boolean;
  sandbox?: boolean;
  tickBudgetMs?: string;
  watch?: boolean;
  maxBundleBytes?: string;
  regions?: string;
  nats?: string;
}

/**
 * The CPU budget of a sandboxed module's calls when `--tick-budget-ms` is not given. V8's watchdog
 * counts wall time, so a garbage-collection pause or a busy host counts against a call: at 100 ms
 * the engine benchmark's keynote transfer (20,000 calls per tick, 100,000 rows) had calls aborted on
 * this repository's 2-core test machine under a load average of 10. A runaway still stops in a second.
 */
export const DEFAULT_TICK_BUDGET_MS = 1000;

function parseMs(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n))
    throw new TickspaceError('INVALID_ARGUMENT', `${flag} must be a whole number, got '${value}'`);
  return n;
}

/**
 * The identity-token key and the admin token for a start: the key from the data directory's
 * `token-secret` (created for a world without history); the admin token as supplied, else the one
 * generated into `admin-token`. Only a generated admin token is ever printed.
 */
function secretsFor(db: { paths: { dir: string }; recovery: { lastTick: number } }, extra: ExtraOptions) {
  const tokenSecret = loadTokenSecret(db.paths.dir, {
    recordedTicks: db.recovery.lastTick,
    allowNew: extra.newTokenSecret === true,
  });
  const supplied = extra.adminToken ?? process.env.TICKSPACE_ADMIN_TOKEN;
  if (supplied === '')
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      'the admin token (--admin-token or TICKSPACE_ADMIN_TOKEN) is empty: leave it unset to have one generated',
    );
  return {
    tokenSecret,
    adminToken: supplied === undefined ? loadAdminToken(db.paths.dir) : undefined,
    suppliedAdminToken: supplied,
  };
}

function parseDurability(value: string | undefined): Durability | undefined {
  if (value === undefined) return undefined;
  if (value === 'tick' || value === 'never') return value;
  const ms = /^(\d+)ms$/.exec(value);
  if (ms) return { everyMs: Number(ms[1]) };
  throw new TickspaceError(
    'INVALID_ARGUMENT',
    `--durability must be 'tick', 'never' or '<N>ms', got '${value}'`,
  );
}

/**
 * Runs the server until SIGINT or SIGTERM (see serve-stop.ts): the stop closes every session, runs
 * their disconnect calls in a final durable tick, then stops the tick loop and closes the log. A
 * commit log that cannot be written stops the server with exit status 3.
 */
export async function serve(options: ServeCommandOptions): Promise<void> {
  // Signals are watched from the first moment: one that arrives while the data directory is being
  // recovered must not find the default handler (which kills the process and leaves the LOCK). It
  // is kept and acted on once the server is up.
  let onStop: ((why: string) => void) | undefined;
  let stopBeforeReady: string | undefined;
  watchStopSignals({
    stop: (why) => {
      if (onStop === undefined) stopBeforeReady = why;
      else onStop(why);
    },
    force: (signal) => {
      console.log(
        `[tickspace] ${signal} again during the stop: forcing exit now, without the final tick (every acknowledged tick is on disk; the next start reconciles the sessions)`,
      );
      process.exit(signal === 'SIGTERM' ? SERVE_EXIT_CODES.FORCED_SIGTERM : SERVE_EXIT_CODES.FORCED_SIGINT);
    },
  });
  const extra = addServeOptions(new Command())
    .allowUnknownOption()
    .parse([...options.argv], { from: 'user' })
    .opts<ExtraOptions>();
  const limits = parseLimitOptions(extra.limit);
  const port = options.port ?? parsePort(process.env.PORT ?? '3000', '$PORT');
  const host = options.host ?? process.env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TickspaceError('INVALID_ARGUMENT', `port must be 0..65535, got ${port}`);
  // A seed named on the command line or in the environment must match an existing world's; none
  // named, a restart keeps the world's own (a new world gets Frontier's default).
  const namedSeed = extra.seed ?? process.env.TICKSPACE_SEED;
  const seed = namedSeed ?? 'frontier';
  const layout = regionServeLayout(options.dataDir, {
    ...(extra.regions === undefined ? {} : { regions: extra.regions }),
    ...(namedSeed === undefined ? {} : { seed: namedSeed }),
    ...((extra.worldTiles ?? process.env.TICKSPACE_WORLD_TILES) === undefined
      ? {}
      : { worldTiles: extra.worldTiles ?? process.env.TICKSPACE_WORLD_TILES }),
    ...(parseMs('--tick-ms', extra.tickMs) === undefined
      ? {}
      : { tickMs: parseMs('--tick-ms', extra.tickMs) }),
  });
  if (extra.regions !== undefined && layout !== undefined) {
    const world = await serveRegions({
      dataDir: options.dataDir,
      spec: extra.regions,
      natsUrl: extra.nats,
      port,
      host,
      ...layout,
      print: (line) => console.log(line),
    });
    const stopWorld = (why: string) => {
      console.log(`[tickspace] ${why}: stopping the region world`);
      void world.stop().then(() => process.exit(0));
    };
    if (stopBeforeReady !== undefined) stopWorld(stopBeforeReady);
    else onStop = stopWorld;
    return;
  }
  if (extra.nats !== undefined)
    throw new TickspaceError('INVALID_ARGUMENT', '--nats is for a region world: give --regions CxR too');
  const worldSeed = namedSeed ?? seedOfExisting(options.dataDir) ?? seed;
  process.env.TICKSPACE_SEED = worldSeed;
  if (extra.worldTiles !== undefined) process.env.TICKSPACE_WORLD_TILES = extra.worldTiles;
  const modulePath = options.module ?? DEFAULT_MODULE;
  // Frontier's host file is ours, and trusted: it is imported (it reads content, initialises
  // rapier, lends the host modules) and its sandboxEntry runs in the Compartment. Any other module
  // file is only ever bundled, unless --no-sandbox.
  const hostFile = path.resolve(modulePath) === DEFAULT_MODULE;
  const sandbox = extra.sandbox ?? true;
  const maxBundleBytes = parseMs('--max-bundle-bytes', extra.maxBundleBytes);
  const bundleOptions = maxBundleBytes === undefined ? {} : { maxBundleBytes };
  const served = await loadServedModule(modulePath, sandbox, bundleOptions, hostFile);
  const module: ModuleDef = served.module;
  const budgetFlag = parseMs('--tick-budget-ms', extra.tickBudgetMs);
  const tickBudgetMs = budgetFlag ?? (sandbox ? DEFAULT_TICK_BUDGET_MS : 0);
  if (extra.watch === true && served.sandboxed === undefined)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      '--watch republishes a sandboxed module, and this one runs unsandboxed: drop --no-sandbox',
    );
  const tickMs = extra.tickMs === undefined ? undefined : Number(extra.tickMs);
  const retention = retentionFromFlags(extra, process.env);

  const db = await openDatabase({
    dir: options.dataDir,
    module,
    seed: worldSeed,
    ...(tickMs === undefined ? {} : { tickMs }),
    ...(extra.durability === undefined ? {} : { durability: parseDurability(extra.durability) }),
    modulePath: path.relative(process.cwd(), path.resolve(modulePath)),
    ...(retention === undefined ? {} : { retention }),
    ...(tickBudgetMs > 0 ? { tickBudgetMs } : {}),
  });
  const cut = db.recovery.cut;
  if (cut !== undefined)
    console.warn(
      `[tickspace] recovery cut a torn tail: ${cut.file} at byte ${cut.offset} (${cut.bytes} bytes): ${cut.reason}`,
    );
  if (db.migration !== undefined) {
    const m = db.migration;
    const tables = Object.entries(m.rewritten).map(([t, n]) => `${t} (${n} rows)`);
    console.log(
      `[tickspace] schema migrated from version ${m.fromVersion} to ${m.toVersion} in tick ${m.tick}: ${m.differences.length} change(s)${tables.length > 0 ? `, rewrote ${tables.join(', ')}` : ''}`,
    );
  }
  for (const skipped of db.recovery.skippedSnapshots)
    console.warn(`[tickspace] recovery skipped a damaged snapshot, ${skipped.file}: ${skipped.reason}`);
  if (db.recovery.skippedSnapshots.length > 0)
    console.warn(
      `[tickspace] recovery started from ${db.recovery.snapshot === undefined ? 'tick 0' : `the snapshot of tick ${db.recovery.snapshot.tick}`} instead`,
    );

  let secrets: ReturnType<typeof secretsFor>;
  try {
    secrets = secretsFor(db, extra);
  } catch (error) {
    await db.close();
    throw error;
  }
  if (secrets.tokenSecret.created && db.recovery.lastTick > 0)
    console.warn(
      `[tickspace] --new-token-secret: created ${secrets.tokenSecret.file}; every token issued before is now invalid (players come back as new identities)`,
    );
  const adminToken = secrets.suppliedAdminToken ?? secrets.adminToken!.value;
  // Frontier's browser client is Frontier's: another module gets a page only from --static.
  const staticDir =
    extra.static ?? (hostFile && existsSync(path.join(CLIENT_DIST, 'index.html')) ? CLIENT_DIST : undefined);
  // The module file's host-side behaviour (Frontier: following its content directory). Its lines
  // are printed before the banner; what it queues runs in the first tick.
  let hostLines: string[] | undefined = [];
  let hostHandle: ServeHostHandle | undefined;
  try {
    // Host-side code runs with the host's powers, so only an unsandboxed module file or Frontier's
    // trusted host file may bring it:
    // importing a sandboxed file here would run its top level outside the Compartment.
    const serveHost =
      served.sandboxed === undefined || hostFile ? await findServeHost(modulePath) : undefined;
    hostHandle = await serveHost?.({
      engine: db.engine,
      dataDir: path.resolve(options.dataDir),
      print: (line) => {
        if (hostLines === undefined) console.log(line);
        else hostLines.push(line);
      },
    });
  } catch (error) {
    await db.close();
    throw error;
  }
  const closeHost = async () => {
    const h = hostHandle;
    hostHandle = undefined;
    try {
      await h?.close();
    } catch (error) {
      console.error(
        `[tickspace] the module's serveHost failed to close: ${(error as Error)?.stack ?? String(error)}`,
      );
    }
  };
  let server: Awaited<ReturnType<typeof createServer>>;
  try {
    server = await createServer({
      engine: db.engine,
      port,
      host,
      adminToken,
      tokenSecret: secrets.tokenSecret.value,
      limits,
      ...(staticDir === undefined ? {} : { staticDir }),
      log: db,
      admin: {
        ...databaseAdmin(db),
        publish: createPublishHandler(db, served, bundleOptions, (line) => console.log(line)),
        ...(maxBundleBytes === undefined ? {} : { maxPublishBytes: maxBundleBytes }),
      },
    });
  } catch (error) {
    await closeHost();
    await db.close();
    throw error;
  }
  const recoveredTick = db.engine.tick;
  // The version this start runs goes into the log first (when the log's last one differs).
  const logged = logServedVersion(db, served);
  // No client is connected yet: the first tick tells the module so (a crash ran no disconnects).
  db.engine.serverStarted();
  db.engine.start();
  const stopWatching =
    extra.watch === true && served.sandboxed !== undefined
      ? watchModule(db, served.entry?.file ?? modulePath, served.sandboxed, {
          ...servedLoadOptions(served, bundleOptions),
          log: (line) => console.log(line),
        })
      : undefined;

  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  console.log(
    `${productName()} is serving ${servedModuleName(modulePath, options.module === undefined)} at http://${shown}:${server.port}/`,
  );
  console.log(
    `  WebSocket: ws://${shown}:${server.port}/ws   data: ${path.resolve(options.dataDir)}   recovered at tick ${recoveredTick}`,
  );
  console.log(
    served.sandboxed === undefined
      ? `  module: unsandboxed${tickBudgetMs > 0 ? `, tick budget ${tickBudgetMs} ms` : ''} (publish needs a sandboxed module)`
      : `  module: sandboxed, version ${served.sandboxed.bundle.hash.slice(0, 12)}${logged?.logged === true ? " (logged in this start's first tick)" : ''}, tick budget ${tickBudgetMs > 0 ? `${tickBudgetMs} ms` : 'none'}${stopWatching === undefined ? '' : ', watching its files'}`,
  );
  if (logged?.replaced !== undefined && served.sandboxed !== undefined)
    console.log(
      replacedVersionLine(path.basename(modulePath), served.sandboxed.bundle.hash, logged.replaced),
    );
  if (staticDir === undefined)
    console.log(
      hostFile
        ? '  (no browser client build found: run `npm start` from the repository root to build it)'
        : '  (no --static DIR given: serving the WebSocket and the admin console only)',
    );
  const generated = secrets.adminToken;
  if (generated !== undefined)
    console.log(
      `  admin token: ${generated.value} (${generated.created ? 'generated into' : 'from'} ${generated.file})`,
    );
  console.log(`  admin console (tables, log, history, rewind): http://${shown}:${server.port}/admin`);
  // The spectator viewer is part of Frontier's browser client: another module's page has none.
  if (staticDir !== undefined && hostFile)
    console.log(
      `  time travel (spectate the world's history): http://${shown}:${server.port}/?history${generated === undefined ? ' (the viewer asks for your admin token)' : `#admin=${generated.value}`}`,
    );
  for (const line of hostLines) console.log(line);
  hostLines = undefined;

  let exitCode: number = SERVE_EXIT_CODES.OK;
  await new Promise<void>((resolve) => {
    let ending = false;
    db.engine.onFatal((error) => {
      if (ending) return;
      ending = true;
      void closeHost();
      void stopOnLogFailure(db, server, error).then((code) => {
        exitCode = code;
        resolve();
      });
    });
    onStop = (why) => {
      if (ending) return;
      ending = true;
      console.log(
        `\n[tickspace] ${why}: stopping (disconnecting ${server.hub.clientCount} session(s) through the engine)...`,
      );
      void closeHost()
        .then(() => stopCleanly(db, server))
        .then(
          () => {
            // The log may fail in the final tick itself: then this is a fail-stop, not a clean one.
            if (db.engine.fatalError === undefined)
              console.log(`[tickspace] stopped cleanly at tick ${db.engine.tick}`);
            else {
              console.error(logFailureLine(db.engine.fatalError, db.paths.log));
              exitCode = SERVE_EXIT_CODES.LOG_FAILED;
            }
            resolve();
          },
          (error: unknown) => {
            console.error(`[tickspace] the stop failed: ${(error as Error)?.stack ?? String(error)}`);
            exitCode = 1;
            resolve();
          },
        );
    };
    if (stopBeforeReady !== undefined) onStop(stopBeforeReady);
  });
  stopWatching?.();
  if (exitCode !== SERVE_EXIT_CODES.OK) options.setExit?.(exitCode);
}

/** The seed an existing data directory was created with; undefined when there is none yet. */
function seedOfExisting(dataDir: string): string | undefined {
  // A damaged manifest is left to openDatabase, which names what is wrong with it.
  if (!existsSync(dataDirPaths(dataDir).manifest)) return undefined;
  try {
    return readManifest(dataDir).seed;
  } catch {
    return undefined;
  }
}
