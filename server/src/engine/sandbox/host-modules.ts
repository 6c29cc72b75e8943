import { TickspaceError } from '../../protocol/errors';

/**
 * The packages this process lends to sandboxed modules that were bundled with them as
 * `hostModules` (rapier's WASM, a schema library): name to the host's own module namespace. A
 * process registry rather than an argument, because a bundle is evaluated again wherever its
 * version is (serve, a publish, `tickspace replay` of the log), and each of those finds here what
 * the host file it loaded provided. What is lent is trusted host code: it runs with the host's
 * globals, so only deterministic libraries belong here.
 */
const provided = new Map<string, unknown>();

/**
 * Lends `modules` (name to module namespace, e.g. `{ seedrandom: await import('seedrandom') }`) to
 * every sandboxed module evaluated from now on. Providing a name again replaces it.
 * @example
 * provideHostModules({ zod: await import('zod') });
 */
export function provideHostModules(modules: Readonly<Record<string, unknown>>): void {
  for (const [name, ns] of Object.entries(modules)) {
    if (ns === null || (typeof ns !== 'object' && typeof ns !== 'function'))
      throw new TickspaceError('INVALID_ARGUMENT', `host module '${name}' must be a module namespace object`);
    provided.set(name, asRequired(ns as Record<string, unknown>));
  }
}

/**
 * What `require(name)` returns in a bundle: its module.exports. A bundle of ES modules imports in
 * Node's way (a default import is the whole required object, named imports are its properties),
 * so a package whose default export carries every named one (a CommonJS package such as
 * seedrandom, rapier's compat build) is lent as that default, and any other as its namespace.
 * The host's objects are lent as they are, not copied or frozen: the host and its sandboxes share
 * one instance (rapier's WASM memory, a content holder the host fills).
 */
function asRequired(ns: Record<string, unknown>): unknown {
  const fallback = ns.default;
  if (fallback === null || (typeof fallback !== 'object' && typeof fallback !== 'function')) return ns;
  const named = Object.keys(ns).filter((k) => k !== 'default');
  return named.every((k) => k in fallback) ? fallback : ns;
}

/** The host module `name`, or undefined when this process provides none by that name. */
export function hostModule(name: string): unknown {
  return provided.get(name);
}
