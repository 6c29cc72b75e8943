import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** `file` when it lies inside `root` (both real paths), else undefined. */
function inside(root: string, file: string): string | undefined {
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

/** The real path of `candidate` when it and its real path lie under the real `root`, else undefined. */
async function locate(root: string, candidate: string): Promise<string | undefined> {
  if (inside(root, resolve(candidate)) === undefined) return undefined;
  try {
    // Symlinks are followed before the check, so a link inside the root cannot reach outside it.
    return inside(root, await realpath(candidate));
  } catch {
    return undefined;
  }
}

// Non-blocking, so a FIFO placed in the root cannot hold a thread waiting for a writer.
const openForReading = (file: string) => open(file, constants.O_RDONLY | constants.O_NONBLOCK);

/**
 * Serves a file from `root` for a URL path (`/` serves index.html). Paths that resolve outside
 * the root (`..`, encoded or not, or a symlink that points out of it) are refused. Returns false
 * when there is no such file. The file is opened once and streamed from that descriptor, so what is
 * checked is what is sent.
 */
export async function serveStatic(
  root: string,
  urlPath: string,
  res: ServerResponse,
  headOnly: boolean,
): Promise<boolean> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return false;
  }
  if (rel.includes('\0')) return false;
  let base: string;
  try {
    base = await realpath(resolve(root));
  } catch {
    return false;
  }
  let file = await locate(base, join(base, rel));
  if (file === undefined) return false;
  let handle: FileHandle | undefined;
  try {
    handle = await openForReading(file);
    let st = await handle.stat();
    if (st.isDirectory()) {
      await handle.close();
      handle = undefined;
      file = await locate(base, join(file, 'index.html'));
      if (file === undefined) return false;
      handle = await openForReading(file);
      st = await handle.stat();
    }
    if (!st.isFile()) {
      await handle.close();
      return false;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': st.size,
    });
    if (headOnly) {
      await handle.close();
      res.end();
      return true;
    }
    const stream = handle.createReadStream();
    handle = undefined;
    // A read error after the headers (or a client gone mid-file) ends the response; it never escapes as an unhandled 'error'.
    pipeline(stream, res, () => {});
    return true;
  } catch {
    await handle?.close().catch(() => {});
    return false;
  }
}
