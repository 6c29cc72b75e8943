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

async function fromBundle(
  bundle: ModuleBundle,
  where: string,
  exportName?: string,
): Promise<SandboxedModule> {
  const module = await evaluateModule(bundle.source, { where, exportName });
  return { module, bundle, payload: { hash: bundle.hash, source: bundle.source } };
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
export async function loadModuleFile(spec: string, options: BundleOptions = {}): Promise<SandboxedModule> {
  const [file, exportName] = spec.split('#') as [string, string | undefined];
  const bundle = await bundleModuleFile(file, options);
  return fromBundle(bundle, file, exportName);
}

/**
 * Loads module text (one module file, or a bundle `tickspace publish` made) into the sandbox.
 * @throws TickspaceError INVALID_ARGUMENT as {@link loadModuleFile}, and for a relative import.
 */
export async function loadModuleText(
  text: string,
  where: string,
  options: BundleOptions & { readonly exportName?: string | undefined } = {},
): Promise<SandboxedModule> {
  const bundle = await bundleModuleText(text, where, options);
  return fromBundle(bundle, where, options.exportName);
}

/**
 * Evaluates a logged `__publish` payload exactly as logged (no bundling: the source is the bundle
 * that ran), for replay.
 * @throws TickspaceError INVALID_ARGUMENT when the source no longer evaluates.
 */
export async function loadPublished(payload: PublishPayload, where: string): Promise<SandboxedModule> {
  const bundle: ModuleBundle = { source: payload.source, hash: payload.hash, inputs: [] };
  return fromBundle(bundle, where);
}
