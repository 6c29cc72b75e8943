/**
 * SES `lockdown()` for the process, once. It freezes the shared intrinsics (Object.prototype,
 * Array.prototype, Math, Date...) realm-wide and for good, which is what lets a Compartment's code
 * share them without being able to change them for anyone else; it cannot be undone, so a process
 * that never loads a sandboxed module never calls it.
 *
 * The options, measured on this code base (see the sandbox section of the README):
 * - `errorTaming: 'unsafe'`: the host's `error.stack` stays readable (the default hides it, and the
 *   engine's server-fault log, vitest's reports and commander's messages need it).
 * - `stackFiltering: 'verbose'`: whole stacks in those logs, not SES's concise form.
 * - `overrideTaming: 'severe'`: libraries that assign over a frozen prototype's property (the
 *   "override mistake": `obj.toString = ...`) keep working.
 * - `consoleTaming: 'unsafe'`: the host console is left as Node made it.
 * - `domainTaming: 'unsafe'`: Node's built-in domain module may already be loaded by a dependency.
 *
 * Before ses is imported, {@link installDetachedGetter} gives Node 20 a true
 * `ArrayBuffer.prototype.detached`: without it ses's shim answers `false` for every buffer and
 * WASM glue (rapier's) reads a stale view of grown memory and throws.
 *
 * What does not coexist with lockdown in one process: vitest's fake timers (they assign `now` on a
 * subclass of the frozen Date).
 */

import { installDetachedGetter } from './detached-getter';

let state: 'none' | 'ours' | 'foreign' = 'none';

function alreadyLockedDown(): boolean {
  return (
    typeof (globalThis as { harden?: unknown }).harden === 'function' && Object.isFrozen(Array.prototype)
  );
}

/**
 * Loads `ses` and locks the process down, once (later calls return at once; a lockdown done by
 * someone else, e.g. a test setup, is accepted as it is).
 * @example
 * await ensureLockdown();
 * new Compartment({ globals: {} }).evaluate('Math.random()'); // throws
 */
export async function ensureLockdown(): Promise<void> {
  if (state !== 'none') return;
  // Before ses is evaluated: its ArrayBuffer shim captures the platform's `detached` getter.
  installDetachedGetter();
  await import('ses');
  if (alreadyLockedDown()) {
    state = 'foreign';
    return;
  }
  lockdown({
    errorTaming: 'unsafe',
    stackFiltering: 'verbose',
    overrideTaming: 'severe',
    consoleTaming: 'unsafe',
    domainTaming: 'unsafe',
  });
  state = 'ours';
}
