import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Message, type Plugin } from 'esbuild';
import { TickspaceError } from '../../protocol/errors';
import { KIT_BUNDLE_NAME, KIT_SPECIFIERS } from './kit-api';

/** The engine's source folder: an import that resolves inside it is the kit API. */
const ENGINE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A module version as one script: what a Compartment evaluates and what the log records. */
export interface ModuleBundle {
  /** CommonJS, one file, `require('tickspace')` for the kit API and nothing else. */
  readonly source: string;
  /** SHA-256 of `source`, hex: the module version's identity in the log. */
  readonly hash: string;
  /** The files the bundle was built from (absolute paths; empty for a bundle built from text). */
  readonly inputs: readonly string[];
}

/** Options for {@link bundleModule}. */
export interface BundleOptions {
  /** A bundle larger than this is refused (it goes into the log whole). @default 4 MiB */
  readonly maxBundleBytes?: number;
  /**
   * Packages whose code is bundled in and runs in the Compartment like the module's own files
   * (`'@tickspace/content'` also admits `'@tickspace/content/schema'`). Their imports are checked
   * by the same rules. @default none
   */
  readonly packages?: readonly string[];
  /**
   * Packages left out of the bundle as `require(name)`: the host evaluates the bundle with its own
   * instance of each (see `provideHostModules`), so their code runs with the host's globals. For
   * trusted, deterministic libraries a module cannot carry (WASM such as rapier, or a schema
   * library the host shares). Exact package names, or `{ name, file }` for one of the module's
   * own files that must be the host's instance (an import resolving to `file`, an absolute path,
   * becomes `require(name)`: a name, not a path, so the bundle is the same on every machine).
   * @default none
   */
  readonly hostModules?: readonly HostModuleSpec[];
}

/** A host module: a package name, or one of the module's files lent under a name. */
export type HostModuleSpec = string | { readonly name: string; readonly file: string };

/**
 * `file` with symlinks resolved (its folder's, when the file is named without its extension), so
 * that a module folder whose `engine` is a symlink to the kit's still imports the kit.
 */
function realPath(file: string): string {
  for (const candidate of [file, path.dirname(file)])
    try {
      const real = fs.realpathSync(candidate);
      return candidate === file ? real : path.join(real, path.basename(file));
    } catch {
      // Not there (yet): try its folder.
    }
  return file;
}

const withoutExtension = (file: string) => file.replace(/\.(?:[cm]?[jt]s|tsx)$/, '');

/** @default 4 MiB */
const DEFAULT_MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Maps kit imports to the one external name; refuses builtins and packages (they would run unsandboxed). */
function kitPlugin(allowRelative: boolean, options: BundleOptions = {}): Plugin {
  const specs = options.hostModules ?? [];
  const hostModules = new Set(specs.map((m) => (typeof m === 'string' ? m : m.name)));
  const hostFiles = new Map(
    specs.flatMap((m) => (typeof m === 'string' ? [] : [[withoutExtension(path.resolve(m.file)), m.name]])),
  );
  const packages = options.packages ?? [];
  return {
    name: 'tickspace-kit',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const spec = args.path;
        if (KIT_SPECIFIERS.includes(spec) || spec === KIT_BUNDLE_NAME)
          return { path: KIT_BUNDLE_NAME, external: true };
        if (hostModules.has(spec)) return { path: spec, external: true };
        // A bundled package resolves as Node would; its own imports come back through here.
        if (allowRelative && packages.some((p) => spec === p || spec.startsWith(`${p}/`))) return undefined;
        const relative = spec.startsWith('.');
        if (path.isAbsolute(spec) || (relative && allowRelative)) {
          const abs = path.resolve(args.resolveDir, spec);
          const real = realPath(abs);
          if ([abs, real].some((p) => p === ENGINE_DIR || p.startsWith(ENGINE_DIR + path.sep)))
            return { path: KIT_BUNDLE_NAME, external: true };
          const lent = hostFiles.get(withoutExtension(abs));
          if (lent !== undefined) return { path: lent, external: true };
          if (allowRelative) return undefined;
        }
        if (relative || path.isAbsolute(spec))
          return {
            errors: [
              {
                text: `imports '${spec}': a published module is one file or one bundle (\`tickspace publish --module FILE\` bundles a module's own files for you)`,
              },
            ],
          };
        const what = builtins.has(spec) ? 'the Node built-in' : 'the package';
        const provided =
          hostModules.size === 0
            ? ''
            : `, and the host modules ${[...hostModules].map((m) => `'${m}'`).join(', ')}`;
        return {
          errors: [
            {
              text: `imports ${what} '${spec}': a sandboxed module may import only the kit API ('${KIT_SPECIFIERS[1]}') and its own files${provided}`,
            },
          ],
        };
      });
    },
  };
}

function describe(messages: readonly Message[]): string {
  return messages
    .map((m) => {
      const at =
        m.location === null ? '' : `${m.location.file}:${m.location.line}:${m.location.column + 1}: `;
      return `${at}${m.text}`;
    })
    .join('; ');
}

function finish(source: string, inputs: string[], where: string, maxBytes: number): ModuleBundle {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > maxBytes)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `${where} bundles to ${bytes} bytes, over the limit of ${maxBytes} (maxBundleBytes): every version goes into the log whole`,
      { details: { bytes, maxBytes } },
    );
  return { source, hash: createHash('sha256').update(source, 'utf8').digest('hex'), inputs };
}

/**
 * Told that the target has no async functions and no generators, esbuild reports every async
 * function, async generator and `for await` with its file, line and column (it cannot lower them
 * without generators). That is how the sandbox refuses them: code after an `await` runs as a
 * microtask once the tick's timed run has returned, outside the call's transaction and its CPU
 * budget, where V8 cannot stop a loop. Plain generators are reported too and are fine: a bundle
 * whose only findings are generators is built again without the check.
 */
const WITHOUT_ASYNC = {
  'async-await': false,
  'async-generator': false,
  'for-await': false,
  generator: false,
};

const ASYNC_FINDINGS: readonly [RegExp, string][] = [
  [/^Transforming async generator functions/, 'an async generator function'],
  [/^Transforming async functions/, 'an async function'],
  [/^Transforming for-await loops/, 'a `for await` loop'],
];
const GENERATOR_FINDING = /^Transforming generator functions/;

/** The async findings among esbuild's errors, rewritten to say why; undefined when there are none. */
function asyncFindings(errors: readonly Message[]): Message[] | undefined {
  const found: Message[] = [];
  for (const m of errors) {
    const hit = ASYNC_FINDINGS.find(([pattern]) => pattern.test(m.text));
    if (hit !== undefined)
      found.push({
        ...m,
        text: `${hit[1]} is not allowed in a sandboxed module: reducers are synchronous transactions, and the code after an await would run after the call, outside its transaction and its CPU budget`,
      });
  }
  return found.length === 0 ? undefined : found;
}

async function run(
  options: Parameters<typeof build>[0],
  where: string,
): Promise<{ source: string; inputs: string[] }> {
  try {
    return await runOnce(options, WITHOUT_ASYNC);
  } catch (cause) {
    const errors = (cause as { errors?: Message[] }).errors;
    if (errors === undefined) throw bundleError(cause, errors, where);
    const refused = asyncFindings(errors);
    if (refused !== undefined) throw bundleError(cause, refused, where);
    const others = errors.filter((m) => !GENERATOR_FINDING.test(m.text));
    if (others.length > 0) throw bundleError(cause, others, where);
  }
  try {
    return await runOnce(options, undefined);
  } catch (cause) {
    throw bundleError(cause, (cause as { errors?: Message[] }).errors, where);
  }
}

function bundleError(cause: unknown, errors: readonly Message[] | undefined, where: string): TickspaceError {
  return new TickspaceError(
    'INVALID_ARGUMENT',
    `${where} does not bundle: ${errors === undefined ? (cause as Error).message : describe(errors)}`,
    { cause, details: { where } },
  );
}

async function runOnce(
  options: Parameters<typeof build>[0],
  supported: Record<string, boolean> | undefined,
): Promise<{ source: string; inputs: string[] }> {
  const result = await build({
    ...options,
    ...(supported === undefined ? {} : { supported }),
    logLimit: 0,
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    charset: 'utf8',
  });
  const out = result.outputFiles?.[0];
  if (out === undefined) throw new Error('esbuild produced no output');
  const inputs = Object.keys(result.metafile?.inputs ?? {})
    .filter((f) => f !== '<stdin>')
    // Metafile paths are relative to the working directory esbuild ran in.
    .map((f) => path.resolve(options.absWorkingDir ?? process.cwd(), f));
  return { source: out.text, inputs };
}

/**
 * Bundles a module file and the files it imports into one script (TypeScript stripped, not
 * type-checked), with the kit API as its only import. The result is what a Compartment evaluates
 * (see {@link evaluateModule}) and what `__publish` logs.
 * @throws TickspaceError INVALID_ARGUMENT naming the file, line and import when the file does not
 *   parse, imports a package or a Node built-in, or bundles past `maxBundleBytes`.
 * @example
 * const bundle = await bundleModuleFile('game/module.ts');
 * bundle.hash; // -> 'c0ffee...'
 */
export async function bundleModuleFile(file: string, options: BundleOptions = {}): Promise<ModuleBundle> {
  const abs = path.resolve(file);
  const { source, inputs } = await run(
    { entryPoints: [abs], plugins: [kitPlugin(true, options)], absWorkingDir: path.dirname(abs) },
    abs,
  );
  return finish(source, inputs, abs, options.maxBundleBytes ?? DEFAULT_MAX_BUNDLE_BYTES);
}

/**
 * Bundles module text that arrived without its folder (`POST /admin/publish`): one module file
 * (TypeScript or JavaScript) or a bundle `tickspace publish` made. It may import only the kit API.
 * @throws TickspaceError INVALID_ARGUMENT as {@link bundleModuleFile}, and for a relative import.
 */
export async function bundleModuleText(
  text: string,
  where: string,
  options: BundleOptions = {},
): Promise<ModuleBundle> {
  const max = options.maxBundleBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  if (Buffer.byteLength(text, 'utf8') > max)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `${where} is ${Buffer.byteLength(text, 'utf8')} bytes, over the limit of ${max} (maxBundleBytes)`,
      { details: { maxBytes: max } },
    );
  const { source } = await run(
    {
      stdin: { contents: text, loader: 'ts', sourcefile: where, resolveDir: os.tmpdir() },
      absWorkingDir: os.tmpdir(),
      plugins: [kitPlugin(false, { hostModules: options.hostModules ?? [] })],
    },
    where,
  );
  return finish(source, [], where, max);
}
