/**
 * The secrets `tickspace serve` keeps in its data directory: the key that signs identity tokens
 * (`token-secret`) and the admin token it generated (`admin-token`). Each is one line of hex in a
 * file of mode 0600, written to a temporary file, fsynced, renamed into place, with the directory
 * fsynced after: a crash leaves the old state or the whole file, never half a secret.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MIN_TOKEN_SECRET_BYTES } from '../net/identity-tokens';
import { TickspaceError } from '../protocol/errors';

/** The token secret's file name in a data directory. */
const TOKEN_SECRET_FILE = 'token-secret';
/** The generated admin token's file name in a data directory. */
export const ADMIN_TOKEN_FILE = 'admin-token';
/** Bytes of a generated admin token (32 hex digits). */
const ADMIN_TOKEN_BYTES = 16;

/** A secret and where it came from. */
export interface DataDirSecret<T> {
  readonly value: T;
  readonly file: string;
  /** True when this start created the file. */
  readonly created: boolean;
}

function bad(file: string, message: string, cause?: unknown): TickspaceError {
  return new TickspaceError('BAD_DATA_DIR', message, { details: { file }, cause });
}

/**
 * Reads a secret file: hex digits, optionally one trailing newline, at least `minBytes`. The
 * content is never quoted in an error: it is a secret.
 */
function readHexFile(
  file: string,
  what: string,
  minBytes: number,
  remedy: string,
): { hex: string; bytes: Buffer } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (cause) {
    throw bad(file, `cannot read the ${what} ${file}: ${(cause as Error).message}`, cause);
  }
  const hex = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  if (!/^[0-9a-f]*$/i.test(hex) || hex.length % 2 !== 0)
    throw bad(
      file,
      `${file} does not hold the ${what}: expected one line of an even number of hex digits (${text.length} character(s) found). ` +
        remedy,
    );
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length < minBytes)
    throw bad(
      file,
      `${file} holds a ${bytes.length}-byte ${what}; at least ${minBytes} random bytes are required (a short one is guessed). ${remedy}`,
    );
  return { hex, bytes };
}

function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `bytes` as hex into `file` (mode 0600) durably: temp file, fsync, rename, directory fsync. */
function writeHexFile(file: string, bytes: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      fs.writeSync(fd, bytes.toString('hex') + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    syncDir(path.dirname(file));
  } catch (cause) {
    fs.rmSync(tmp, { force: true });
    throw bad(file, `cannot write ${file}: ${(cause as Error).message}`, cause);
  }
}

/** What {@link loadTokenSecret} needs to know about the data directory. */
export interface TokenSecretOptions {
  /**
   * Ticks the data directory already holds. Tokens may have been handed out for any of them, so a
   * missing secret is refused instead of replaced: a new key would turn every returning player into
   * a stranger.
   */
  readonly recordedTicks: number;
  /** Create a new secret even though the directory has history (`--new-token-secret`). @default false */
  readonly allowNew?: boolean;
}

/**
 * The data directory's token secret: read from `token-secret`, or created (32 random bytes) for a
 * directory without history, or when `allowNew` says so.
 * @throws TickspaceError BAD_DATA_DIR naming the file: unreadable, not hex, shorter than
 * {@link MIN_TOKEN_SECRET_BYTES}, or missing from a directory that has history.
 */
export function loadTokenSecret(dir: string, options: TokenSecretOptions): DataDirSecret<Buffer> {
  const file = path.join(dir, TOKEN_SECRET_FILE);
  if (fs.existsSync(file))
    return {
      value: readHexFile(
        file,
        'token secret',
        MIN_TOKEN_SECRET_BYTES,
        `Restore it from a backup; replacing it (with 'openssl rand -hex ${MIN_TOKEN_SECRET_BYTES}') gives every player a new identity.`,
      ).bytes,
      file,
      created: false,
    };
  if (options.recordedTicks > 0 && options.allowNew !== true)
    throw bad(
      file,
      `${file} is missing, but ${dir} already holds ${options.recordedTicks} tick(s) of history: a new secret would invalidate every player's token ` +
        `(each would come back as a new identity). Restore the file from a backup, or start with --new-token-secret to create a new one on purpose.`,
    );
  const secret = randomBytes(MIN_TOKEN_SECRET_BYTES);
  writeHexFile(file, secret);
  return { value: secret, file, created: true };
}

/**
 * The admin token generated for a data directory: read from `admin-token`, or created (16 random
 * bytes as hex) on first use, so a time-travel link keeps working across restarts.
 * @throws TickspaceError BAD_DATA_DIR naming the file when it is unreadable or not a token.
 */
export function loadAdminToken(dir: string): DataDirSecret<string> {
  const file = path.join(dir, ADMIN_TOKEN_FILE);
  if (fs.existsSync(file))
    return {
      value: readHexFile(
        file,
        'admin token',
        ADMIN_TOKEN_BYTES,
        `Delete it to have a new one generated, or pass --admin-token.`,
      ).hex,
      file,
      created: false,
    };
  const token = randomBytes(ADMIN_TOKEN_BYTES);
  writeHexFile(file, token);
  return { value: token.toString('hex'), file, created: true };
}
