import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { bundleModuleFile } from '../engine/sandbox';
import { TickspaceError } from '../protocol/errors';
import type { CliIo } from './common';
import { ADMIN_TOKEN_FILE } from './data-dir-secrets';
import { frontierSource, isFrontierFile } from './frontier-sandbox';
import { DEFAULT_MODULE } from './serve';

interface PublishOptions {
  module: string;
  url?: string;
  adminToken?: string;
  maxBundleBytes?: string;
}

/** The admin token: `--admin-token`, else TICKSPACE_ADMIN_TOKEN, else the data directory's `admin-token` file. */
function adminToken(opts: PublishOptions, dataDir: string): string {
  const given = opts.adminToken ?? process.env.TICKSPACE_ADMIN_TOKEN;
  if (given !== undefined && given !== '') return given;
  const file = path.join(dataDir, ADMIN_TOKEN_FILE);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  throw new TickspaceError(
    'INVALID_ARGUMENT',
    `publish needs the server's admin token: pass --admin-token, set TICKSPACE_ADMIN_TOKEN, or point --data at the served data directory (no ${file})`,
  );
}

/**
 * `tickspace publish --module FILE [--url URL] [--admin-token T]`: bundles the module file and its
 * own imports here, sends the bundle to a running server's `POST /admin/publish`, and prints the
 * version and the tick that swapped it in.
 */
export function registerPublish(program: Command, io: CliIo): void {
  program
    .command('publish')
    .description('swap a new version of the module into a running `tickspace serve` at a tick boundary')
    .requiredOption('--module <file>', 'the module file (file.ts or file.ts#export)')
    .option('--url <url>', 'the server (default http://127.0.0.1:$PORT, PORT defaulting to 3000)')
    .option(
      '--admin-token <token>',
      "the admin token (default $TICKSPACE_ADMIN_TOKEN, or the data directory's)",
    )
    .option('--max-bundle-bytes <n>', 'largest bundle to send (default 4 MiB)')
    .action(async (opts: PublishOptions) => {
      const [file, exportName] = opts.module.split('#') as [string, string | undefined];
      const token = adminToken(opts, program.opts<{ data: string }>().data);
      const max = opts.maxBundleBytes === undefined ? undefined : Number(opts.maxBundleBytes);
      const limit = max === undefined ? {} : { maxBundleBytes: max };
      // Frontier (its host file or its entry) bundles its sandbox entry, with its host modules.
      const bundle = isFrontierFile(file, DEFAULT_MODULE)
        ? await bundleModuleFile(frontierSource().entry, { ...frontierSource().bundle, ...limit })
        : await bundleModuleFile(file, limit);
      const base = opts.url ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
      let target: URL;
      try {
        target = new URL('/admin/publish', base);
      } catch {
        throw new TickspaceError('INVALID_ARGUMENT', `--url is not a URL: '${base}'`);
      }
      if (exportName !== undefined) target.searchParams.set('export', exportName);
      let response: Response;
      try {
        response = await fetch(target, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'text/javascript; charset=utf-8' },
          body: bundle.source,
        });
      } catch (cause) {
        throw new TickspaceError(
          'INVALID_ARGUMENT',
          `cannot reach ${target.origin}: ${(cause as Error).cause instanceof Error ? ((cause as Error).cause as Error).message : (cause as Error).message}`,
          { cause },
        );
      }
      const text = await response.text();
      let body: {
        ok?: boolean;
        result?: { hash: string; tick: number; bytes: number };
        error?: { code: string; message: string };
      };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        throw new TickspaceError(
          'INVALID_ARGUMENT',
          `${target.origin} answered ${response.status} without JSON: ${text.slice(0, 200)}`,
        );
      }
      if (!response.ok || body.error !== undefined)
        throw new TickspaceError(
          (body.error?.code ?? 'INTERNAL') as 'INTERNAL',
          `the server refused the publish (HTTP ${response.status}): ${body.error?.message ?? text.slice(0, 200)}`,
        );
      const r = body.result!;
      io.out(`published ${file} as ${r.hash.slice(0, 12)} (${r.bytes} bytes) at tick ${r.tick}`);
    });
}
