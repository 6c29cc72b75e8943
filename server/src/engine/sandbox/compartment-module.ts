import { TickspaceError } from '../../protocol/errors';
import type { ModuleDef } from '../module';
import { hostModule } from './host-modules';
import { KIT_API, KIT_BUNDLE_NAME, KIT_SPECIFIERS } from './kit-api';
import { ensureLockdown } from './lockdown';
import { reducerGlobals } from './reducer-globals';

let hardenedKit: typeof KIT_API | undefined;

function looksLikeModule(value: unknown): value is ModuleDef {
  return (
    value !== null &&
    typeof value === 'object' &&
    'tables' in value &&
    'reducers' in value &&
    Array.isArray((value as ModuleDef).reducers)
  );
}

/**
 * A function default export is a factory: called once with the version's `config` (logged with the
 * version, so a replay calls it with the same), it returns the module. That is how a module whose
 * shape depends on per-world settings (Frontier's seed and size) is built inside the Compartment.
 */
function fromFactory(
  exports: Record<string, unknown>,
  config: unknown,
  where: string,
): Record<string, unknown> {
  const factory = exports.default;
  if (typeof factory !== 'function') return exports;
  let made: unknown;
  try {
    made = (factory as (config: unknown) => unknown)(config);
  } catch (cause) {
    if (cause instanceof TickspaceError) throw cause;
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `${where}: its default export (a module factory) threw: ${(cause as Error)?.message ?? String(cause)}`,
      { cause, details: { where } },
    );
  }
  if (!looksLikeModule(made))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `${where}: its default export is a function, so it is called as a module factory, and it returned ${made === null ? 'null' : typeof made} rather than a module (an object from defineModule)`,
    );
  return { ...exports, default: made };
}

/**
 * Global names that are bound once, as parameters of the function the bundle runs in, so that
 * reading `Math` or `Object` is a local variable rather than a lookup through SES's scope proxy
 * (which made Frontier's ticks 10-15x slower). Their values are the Compartment's own globals, so
 * nothing is widened; only identifiers that are not reserved in strict code qualify.
 */
function boundGlobals(globals: object): string[] {
  return Reflect.ownKeys(globals).filter(
    (k): k is string =>
      typeof k === 'string' &&
      /^[A-Za-z_$][\w$]*$/.test(k) &&
      k !== 'eval' &&
      k !== 'arguments' &&
      k !== 'globalThis',
  );
}

/** Picks the module out of a bundle's exports: `#name`, else the default, else the only one. */
function pickModule(
  exports: Record<string, unknown>,
  exportName: string | undefined,
  where: string,
): ModuleDef {
  if (exportName !== undefined) {
    const value = exports[exportName];
    if (!looksLikeModule(value))
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `${where} has no module export named '${exportName}' (exports: ${Object.keys(exports).join(', ') || 'none'})`,
      );
    return value;
  }
  if (looksLikeModule(exports.default)) return exports.default;
  const candidates = Object.entries(exports).filter(([, v]) => looksLikeModule(v));
  if (candidates.length === 1) return candidates[0]![1] as ModuleDef;
  throw new TickspaceError(
    'INVALID_ARGUMENT',
    candidates.length === 0
      ? `${where} exports no module (an object from defineModule)`
      : `${where} exports several modules (${candidates.map(([k]) => k).join(', ')}): name one with #<export>`,
  );
}

/**
 * Evaluates a bundled module (one CommonJS script whose only `require` is the kit API, as
 * {@link bundleModule} makes it) in a fresh SES Compartment, after `lockdown()`: the module's code,
 * its reducers included, sees no wall clock, no Math.random, no timers and no host globals (see
 * reducer-globals.ts). One Compartment per module version, so a version is freed with its module.
 *
 * @param where names the source in errors (a file path, "the published module").
 * @throws TickspaceError INVALID_ARGUMENT when the script throws while loading, requires anything
 *   but the kit, or exports no module; the message names `where` and the cause.
 * @example
 * const module = await evaluateModule(bundle.source, { where: 'bank.ts' });
 */
export async function evaluateModule(
  source: string,
  options: {
    readonly where: string;
    readonly exportName?: string | undefined;
    /** The argument of a factory default export (see {@link fromFactory}). */
    readonly config?: unknown;
  },
): Promise<ModuleDef> {
  await ensureLockdown();
  hardenedKit ??= harden(KIT_API);
  const compartment = new Compartment({ globals: reducerGlobals(), __options__: true });
  const where = options.where;
  const requireKit = (specifier: string): unknown => {
    if (specifier === KIT_BUNDLE_NAME || KIT_SPECIFIERS.includes(specifier)) return hardenedKit;
    const lent = hostModule(specifier);
    if (lent !== undefined) return lent;
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `${where} requires '${specifier}': a sandboxed module may import only the kit API ('${KIT_SPECIFIERS[1]}') and the host modules this process provides (provideHostModules)`,
      { details: { specifier } },
    );
  };
  const cjs = { exports: {} as Record<string, unknown> };
  try {
    // A function expression: the script's top-level `module`, `exports` and `require` are arguments,
    // and so (one function further out, so that the script may declare the same names) are the
    // globals, bound once (see boundGlobals).
    const global = compartment.globalThis as Record<string, unknown>;
    const names = boundGlobals(global);
    const bind = compartment.evaluate(
      `(function (${names.join(', ')}) { return function (module, exports, require) {\n${source}\n}; })`,
    ) as (...values: unknown[]) => (module: unknown, exports: unknown, require: unknown) => void;
    const load = bind(...names.map((n) => global[n]));
    load(cjs, cjs.exports, requireKit);
  } catch (cause) {
    if (cause instanceof TickspaceError && cause.code === 'INVALID_ARGUMENT') throw cause;
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `${where} failed while loading in the sandbox: ${(cause as Error)?.message ?? String(cause)}`,
      { cause, details: { where } },
    );
  }
  return pickModule(fromFactory(cjs.exports, options.config, where), options.exportName, where);
}
