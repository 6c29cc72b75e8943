/**
 * The reducer sandbox: SES lockdown, one Compartment per module version with the kit API as its
 * only import, the globals that keep reducers deterministic, and the per-tick CPU budget.
 */
export { ensureLockdown, isLockedDown } from './lockdown';
export { evaluateModule } from './compartment-module';
export { bundleModuleFile, bundleModuleText, DEFAULT_MAX_BUNDLE_BYTES } from './bundle-module';
export type { BundleOptions, ModuleBundle } from './bundle-module';
export { loadModuleFile, loadModuleText, loadPublished } from './load-module';
export type { SandboxedModule } from './load-module';
export { reducerGlobals } from './reducer-globals';
export { KIT_API, KIT_SPECIFIERS } from './kit-api';
export { TickBudget } from './tick-budget';
