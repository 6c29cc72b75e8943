/**
 * The reducer sandbox: SES lockdown, one Compartment per module version with the kit API as its
 * only import, the globals that keep reducers deterministic, and the per-tick CPU budget.
 * What the CLI and the benchmarks load module files with.
 */
export { ensureLockdown } from './lockdown';
export { bundleModuleFile } from './bundle-module';
export type { BundleOptions } from './bundle-module';
export { loadModuleFile, loadModuleText } from './load-module';
export type { LoadOptions, SandboxedModule } from './load-module';
export { provideHostModules } from './host-modules';
