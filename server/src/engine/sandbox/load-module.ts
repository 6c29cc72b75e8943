import { createHash } from 'node:crypto';
import type { ModuleVersion, PublishPayload } from '../module-swap';
import type { ModuleDef } from '../module';
import { bundleModuleFile, bundleModuleText, type BundleOptions, type ModuleBundle } from './bundle-module';
import { evaluateModule } from './compartment-module';

/** A module version loaded into the sandbox: its bundle, its evaluated module, its `__publish` payload. */
export interface SandboxedModule extends ModuleVersion {
  readonly module: ModuleDef;
  readonly bundle: ModuleBundle;
  readonly payload: PublishPayload;
}

/** What loading takes besides the bundle: which export, and the argument of a factory. */
export interface LoadOptions extends BundleOptions {
  readonly exportName?: string | undefined;
  /**
   * The argument of a factory default export (JSON): per-world settings such as Frontier's seed.
   * Logged with the version and part of its hash, so a replay builds the same module.
   */
  readonly config?: unknown;
}

/** A version's identity: the bundle's hash, or, with a factory config, the hash of both. */
function versionHash(bundle: ModuleBundle, config: unknown): string {
  if (config === undefined) return bundle.hash;
  return createHash('sha256').update(bundle.hash).update('\0').update(JSON.stringify(config)).digest('hex');
}

async function fromBundle(
  built: ModuleBundle,
  where: string,
  options: LoadOptions,
): Promise<SandboxedModule> {
  const config = options.config;
  const module = await evaluateModule(built.source, { where, exportName: options.exportName, config });
  const bundle = { ...built, hash: versionHash(built, config) };
  const payload: PublishPayload =
    config === undefined
      ? { hash: bundle.hash, source: bundle.source }
      : { hash: bundle.hash, source: bundle.source, config };
  return { module, bundle, payload };
}

/**
 * Loads a module file into the sandbox: bundles it (`file.ts` or `file.ts#export`) and evaluates the
 * bundle in a fresh Compartment after lockdown.
 * @throws TickspaceError INVALID_ARGUMENT naming the file and the cause (does not bundle, imports
 *   a package, throws while loading, exports no module).
 * @example
 * const v1 = await loadModuleFile('game/module.ts');
 * const engine = createEngine({ module: v1.module, tickBudgetMs: 100 });
 * engine.publish(v1); // logs the version as __publish in the first tick
 */
export async function loadModuleFile(spec: string, options: LoadOptions = {}): Promise<SandboxedModule> {
  const [file, exportName] = spec.split('#') as [string, string | undefined];
  const bundle = await bundleModuleFile(file, options);
  return fromBundle(bundle, file, { ...options, exportName: exportName ?? options.exportName });
}

/**
 * Loads module text (one module file, or a bundle `tickspace publish` made) into the sandbox.
 * @throws TickspaceError INVALID_ARGUMENT as {@link loadModuleFile}, and for a relative import.
 */
export async function loadModuleText(
  text: string,
  where: string,
  options: LoadOptions = {},
): Promise<SandboxedModule> {
  const bundle = await bundleModuleText(text, where, options);
  return fromBundle(bundle, where, options);
}

/**
 * Evaluates a logged `__publish` payload exactly as logged (no bundling: the source is the bundle
 * that ran), for replay.
 * @throws TickspaceError INVALID_ARGUMENT when the source no longer evaluates.
 */
export async function loadPublished(payload: PublishPayload, where: string): Promise<SandboxedModule> {
  const config = payload.config;
  const module = await evaluateModule(payload.source, { where, config });
  const bundle: ModuleBundle = { source: payload.source, hash: payload.hash, inputs: [] };
  return { module, bundle, payload };
}
