import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The client-demo folder. */
export const CLIENT_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** Its build output, which the game server serves. */
export const DIST_DIR = join(CLIENT_DIR, 'dist');
const REPO_ROOT = join(CLIENT_DIR, '..');

function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    t = Math.max(t, name.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Whether `dist/index.html` is missing or older than the client's or the SDK's sources. */
function clientBuildStale(): boolean {
  const index = join(DIST_DIR, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = Math.max(
    newest(join(CLIENT_DIR, 'src')),
    statSync(join(CLIENT_DIR, 'index.html')).mtimeMs,
    statSync(join(CLIENT_DIR, 'vite.config.ts')).mtimeMs,
    newest(join(REPO_ROOT, 'server', 'src', 'client')),
    newest(join(REPO_ROOT, 'server', 'src', 'protocol')),
  );
  return built < sources;
}

/** Builds the client with Vite's API when the build is stale; returns whether it built. */
export async function ensureClientBuilt(): Promise<boolean> {
  if (!clientBuildStale()) return false;
  const { build } = await import('vite');
  await build({ configFile: join(CLIENT_DIR, 'vite.config.ts'), root: CLIENT_DIR, logLevel: 'warn' });
  return true;
}
