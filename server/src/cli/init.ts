import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { TickspaceError } from '../protocol/errors';
import type { CliIo } from './common';

/**
 * The `tsx` range a new project's `npm test` runs TypeScript with (the repository's own; a test
 * keeps the two equal).
 */
export const TEMPLATE_TSX_RANGE = '^4.23.15';

/** Files the template keeps under another name, because `npm pack` drops or renames them. */
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

/** npm's rule for a package name, which the project's package.json takes from its folder. */
const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,213}$/;

/**
 * The folder holding `template/` and the package.json with the kit's version: the server
 * workspace from source (src/cli/init.ts), the package root from the build (dist/*.js).
 */
function kitRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (fs.existsSync(path.join(dir, 'template', 'src', 'module.ts'))) return dir;
    dir = path.dirname(dir);
  }
  throw new TickspaceError(
    'BAD_DATA_DIR',
    'tickspace init: the project template is missing from this installation',
  );
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p) : [p];
  });
}

/** What {@link initProject} wrote. */
export interface InitResult {
  readonly dir: string;
  readonly name: string;
  readonly files: readonly string[];
}

/**
 * Writes a new project into `target`: a module with two tables, two reducers and a schedule, a
 * browser client, a test on `tickspace/testing`, a README and a package.json depending on
 * `tickspaceSpec` (a version range, or `file:` a packed tarball).
 * @throws TickspaceError INVALID_ARGUMENT when the folder exists and is not empty, or its name is not a package name
 */
export function initProject(target: string, tickspaceSpec?: string): InitResult {
  const dir = path.resolve(target);
  const name = path.basename(dir);
  if (!NAME_PATTERN.test(name))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `tickspace init ${target}: '${name}' cannot be a package name (lowercase letters, digits, '-', '.', '_'; it names the project's package.json)`,
    );
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `tickspace init ${target}: ${dir} exists and is not empty; name a new folder`,
    );
  const root = kitRoot();
  const version = (
    JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const templateDir = path.join(root, 'template');
  const fill = (text: string) =>
    text
      .replaceAll('__NAME__', name)
      .replaceAll('__TICKSPACE__', tickspaceSpec ?? `^${version}`)
      .replaceAll('__TSX__', TEMPLATE_TSX_RANGE);
  const files: string[] = [];
  for (const file of listFiles(templateDir)) {
    const rel = path.relative(templateDir, file);
    const out = path.join(dir, RENAMED[rel] ?? rel);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, fill(fs.readFileSync(file, 'utf8')));
    files.push(path.relative(dir, out));
  }
  return { dir, name, files: files.sort() };
}

/** `tickspace init <dir>`: a new project from the template. */
export function registerInit(program: Command, io: CliIo): void {
  program
    .command('init')
    .description('create a new project: a module, a browser client, a test, a README')
    .argument('<dir>', 'the folder to create (its name becomes the package name)')
    .option(
      '--tickspace <spec>',
      "the tickspace dependency: a version range or 'file:<tarball>' (default: this version)",
    )
    .action((target: string, opts: { tickspace?: string }) => {
      const result = initProject(target, opts.tickspace);
      io.out(`created ${result.name} in ${result.dir}:`);
      for (const f of result.files) io.out(`  ${f}`);
      io.out('');
      io.out(`next: cd ${target} && npm install && npm start   (npm test runs its test)`);
    });
}
