/**
 * Frontier as a sandboxed module: the entry point of the bundle that runs in a SES Compartment
 * (`tickspace serve` with Frontier, `tickspace publish`, `npm run dev`). Its default export is a
 * module factory: the host calls it with the world's settings (logged with the version, so a replay
 * builds the same module), and it builds the module without I/O. Rapier, zod, seedrandom and the
 * new world's content come from the host (host modules, see cli/frontier-module.ts), which reads
 * the content files and initialises rapier's WASM before evaluating the bundle.
 */
import { createFrontierModule, type FrontierModule, type FrontierSettings } from './frontier-core';
import { newWorldInitData } from './new-world-content';

/** Builds Frontier's module for `settings` (the factory the sandbox calls). */
export default function frontier(settings: FrontierSettings): FrontierModule {
  return createFrontierModule(settings, { initData: newWorldInitData }).module;
}
