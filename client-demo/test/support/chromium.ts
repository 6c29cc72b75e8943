import { execSync } from 'node:child_process';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

/**
 * Flags for Debian's chromium on a machine without a GPU: without the two swiftshader flags
 * WebGL fails and the canvas stays blank.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  // Background pages must keep rendering: two players in two tabs of one browser.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
] as const;

/**
 * Finds the chromium executable: `CHROMIUM_PATH`, else `chromium` or `chromium-browser` on PATH.
 * @throws Error naming how to install it
 */
function chromiumPath(): string {
  const env = process.env.CHROMIUM_PATH;
  if (env !== undefined && env !== '') return env;
  try {
    return execSync('command -v chromium || command -v chromium-browser', {
      encoding: 'utf8',
      shell: '/bin/sh',
    })
      .trim()
      .split('\n')[0]!;
  } catch (cause) {
    throw new Error(
      'chromium not found: install it with `apt-get install -y chromium` or set CHROMIUM_PATH',
      { cause },
    );
  }
}

/** Launches headless chromium with the flags above. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
}

/** Collects console errors and uncaught page errors of a page, for "no console errors" checks. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}
