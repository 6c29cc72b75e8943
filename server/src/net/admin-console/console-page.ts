import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The page's entry: plain TypeScript and DOM, bundled here (see {@link serveConsolePage}). */
const PAGE_ENTRY = path.join(HERE, 'page', 'main.ts');
/** The page as `npm run pack` bundled it, next to the compiled server (absent in the repository). */
const PREBUILT = path.join(HERE, 'admin-console.js');

/** The paths the page answers on; they need no token (the page asks for it, the data routes check it). */
const PAGE_PATHS = new Set(['/admin', '/admin/', '/admin/console.js']);

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tickspace admin</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="app">Loading the admin console...</div>
<script type="module" src="/admin/console.js"></script>
</body>
</html>
`;

let bundle: Promise<string> | undefined;

/**
 * Bundles the page with esbuild (already the server's dependency: the sandbox bundles modules with
 * it), once per process, on the first request: `npm start` and `tickspace serve` need no build
 * step, a server that is never asked for the page never pays for it, and the page's source stays
 * TypeScript type-checked with the rest. A failed build is retried on the next request.
 */
function consoleBundle(): Promise<string> {
  if (bundle === undefined && existsSync(PREBUILT)) bundle = Promise.resolve(readFileSync(PREBUILT, 'utf8'));
  bundle ??= build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  }).then(
    (result) => result.outputFiles[0]!.text,
    (error: unknown) => {
      bundle = undefined;
      throw error;
    },
  );
  return bundle;
}

/** Whether `pathname` is the console page or its script. */
export function isConsolePage(pathname: string): boolean {
  return PAGE_PATHS.has(pathname);
}

/** Answers `/admin` (the HTML) or `/admin/console.js` (the bundle). */
export async function serveConsolePage(
  pathname: string,
  res: ServerResponse,
  headOnly: boolean,
): Promise<void> {
  const script = pathname.endsWith('.js');
  const body = script ? await consoleBundle() : HTML;
  res.writeHead(200, {
    'content-type': script ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(headOnly ? undefined : body);
}
