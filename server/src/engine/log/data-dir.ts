import fs from 'node:fs';
import path from 'node:path';
import { TickspaceError } from '../../protocol/errors';
import { LOG_FORMAT_VERSION } from './format';
import type { SchemaDescription } from './schema-manifest';

/** The manifest file that marks a directory as a Tickspace data directory. */
const MANIFEST_FILE = 'tickspace.json';
/** The lock file: the pid of the process that writes the directory. */
const LOCK_FILE = 'LOCK';
/** The value of `format` in every manifest. */
export const MANIFEST_FORMAT = 'tickspace-data';

/** Contents of `tickspace.json`. */
export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: number;
  readonly createdAt: string;
  /** World seed the log was written with (replay needs it). */
  readonly seed: string;
  readonly tickMs: number;
  /** Where the module came from, if the creator said (the CLI's default `--module`). */
  readonly modulePath?: string | undefined;
  /** The newest schema version's description (what the module must match or migrate from). */
  readonly schema: SchemaDescription;
  /**
   * Every schema version, oldest first, once the directory has been migrated (absent: one version,
   * `schema`, from tick 0). See FORMAT.md, "Schema versions".
   */
  readonly schemaVersions?: readonly SchemaVersionEntry[] | undefined;
}

/**
 * One schema version of a data directory. Version 1 starts at tick 0; version `n + 1` starts at
 * the tick of the `__migrate` call that created it: that tick's record and every later one (until
 * the next version) are encoded with this version's tables.
 */
export interface SchemaVersionEntry {
  readonly version: number;
  /** The first tick whose record (and whose state after it) has this schema. */
  readonly fromTick: number;
  readonly schema: SchemaDescription;
  /** Tables whose rows the migration tick rewrote (cleared at the boundary, then re-inserted). */
  readonly reshaped: readonly string[];
}

/** Paths inside a data directory. */
export interface DataDirPaths {
  readonly dir: string;
  readonly manifest: string;
  readonly lock: string;
  readonly log: string;
  readonly snapshots: string;
  readonly quarantine: string;
}

/** The paths of a data directory (nothing is created). */
export function dataDirPaths(dir: string): DataDirPaths {
  const abs = path.resolve(dir);
  return {
    dir: abs,
    manifest: path.join(abs, MANIFEST_FILE),
    lock: path.join(abs, LOCK_FILE),
    log: path.join(abs, 'log'),
    snapshots: path.join(abs, 'snapshots'),
    quarantine: path.join(abs, 'quarantine'),
  };
}

function badDir(
  message: string,
  dir: string,
  extra: Record<string, unknown> = {},
  cause?: unknown,
): TickspaceError {
  return new TickspaceError('BAD_DATA_DIR', message, { details: { dir, ...extra }, cause });
}

/**
 * Reads and checks the manifest of an existing data directory.
 * @throws TickspaceError BAD_DATA_DIR if the directory is missing, is not a Tickspace data
 * directory, or was written by an unsupported format version.
 */
export function readManifest(dir: string): Manifest {
  const p = dataDirPaths(dir);
  if (!fs.existsSync(p.dir)) throw badDir(`no data directory at ${p.dir}`, p.dir);
  if (!fs.statSync(p.dir).isDirectory()) throw badDir(`${p.dir} is a file, not a data directory`, p.dir);
  let text: string;
  try {
    text = fs.readFileSync(p.manifest, 'utf8');
  } catch (cause) {
    throw badDir(`${p.dir} is not a Tickspace data directory: it has no ${MANIFEST_FILE}`, p.dir, {}, cause);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch (cause) {
    throw badDir(`${p.manifest} is not valid JSON`, p.dir, {}, cause);
  }
  if (manifest === null || typeof manifest !== 'object' || manifest.format !== MANIFEST_FORMAT)
    throw badDir(
      `${p.manifest} belongs to something else (format is ${JSON.stringify((manifest as { format?: unknown })?.format)}, expected "${MANIFEST_FORMAT}")`,
      p.dir,
    );
  if (manifest.version !== LOG_FORMAT_VERSION)
    throw badDir(
      `${p.dir} was written with data format version ${manifest.version}; this build reads version ${LOG_FORMAT_VERSION}`,
      p.dir,
      { version: manifest.version },
    );
  if (typeof manifest.seed !== 'string' || !(manifest.tickMs > 0) || !Array.isArray(manifest.schema?.tables))
    throw badDir(`${p.manifest} is incomplete (needs seed, tickMs and schema)`, p.dir);
  return manifest;
}

/** Writes the manifest atomically (temp file, fsync, rename). */
export function writeManifest(dir: string, manifest: Manifest): void {
  const p = dataDirPaths(dir);
  const tmp = p.manifest + '.tmp';
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, JSON.stringify(manifest, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, p.manifest);
}

/**
 * Writes the manifest as {@link writeManifest} does, on the libuv pool (off the tick): temp file,
 * fsync, rename, then an fsync of the directory so the rename survives a power loss too. The text
 * is made once the temp file is open, outside the caller's tick (a manifest lists every schema
 * version: tens of kB for a real world), so `manifest` must not change meanwhile (manifests are
 * replaced, never edited). Writes to one directory must not overlap (they share the temp file):
 * chain them.
 * @example
 * await writeManifestAsync(dir, manifest);
 */
export async function writeManifestAsync(dir: string, manifest: Manifest): Promise<void> {
  const p = dataDirPaths(dir);
  const tmp = p.manifest + '.tmp';
  const file = await fs.promises.open(tmp, 'w');
  try {
    await file.writeFile(JSON.stringify(manifest, null, 2) + '\n');
    await file.sync();
  } finally {
    await file.close();
  }
  await fs.promises.rename(tmp, p.manifest);
  const d = await fs.promises.open(p.dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/**
 * Creates a data directory (and its `log/` and `snapshots/` folders) with a fresh manifest. An
 * existing directory must be empty.
 * @throws TickspaceError BAD_DATA_DIR if the directory exists and holds other files.
 */
export function createDataDir(
  dir: string,
  manifest: Omit<Manifest, 'format' | 'version' | 'createdAt'>,
): Manifest {
  const p = dataDirPaths(dir);
  if (fs.existsSync(p.dir)) {
    const entries = fs.readdirSync(p.dir);
    if (entries.length > 0)
      throw badDir(
        `${p.dir} is not empty and has no ${MANIFEST_FILE}: refusing to turn it into a data directory (found ${entries.slice(0, 5).join(', ')})`,
        p.dir,
      );
  }
  fs.mkdirSync(p.log, { recursive: true });
  fs.mkdirSync(p.snapshots, { recursive: true });
  // Wall clock on purpose: operator metadata written once at creation, never read by reducers or replay.
  const full: Manifest = {
    format: MANIFEST_FORMAT,
    version: LOG_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    ...manifest,
  };
  writeManifest(p.dir, full);
  return full;
}

const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the directory's write lock: a LOCK file holding our pid. A lock left by a dead process (a
 * crash) is taken over.
 * @throws TickspaceError DATA_DIR_LOCKED if a live process (or this one) holds it.
 */
export function acquireLock(dir: string): () => void {
  const p = dataDirPaths(dir);
  if (held.has(p.dir))
    throw new TickspaceError('DATA_DIR_LOCKED', `${p.dir} is already open for writing in this process`, {
      details: { dir: p.dir, pid: process.pid },
    });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(p.lock, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      held.add(p.dir);
      return () => {
        held.delete(p.dir);
        try {
          if (fs.readFileSync(p.lock, 'utf8') === String(process.pid)) fs.rmSync(p.lock);
        } catch {}
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw badDir(`cannot create ${p.lock}`, p.dir, {}, error);
      const pid = Number(fs.readFileSync(p.lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new TickspaceError(
          'DATA_DIR_LOCKED',
          `${p.dir} is in use by process ${pid} (${p.lock}); stop it first, or delete the LOCK file if that process is not Tickspace`,
          {
            details: { dir: p.dir, pid },
          },
        );
      // Stale lock from a crashed process.
      fs.rmSync(p.lock, { force: true });
    }
  }
  throw new TickspaceError('DATA_DIR_LOCKED', `could not take ${p.lock}`, { details: { dir: p.dir } });
}
