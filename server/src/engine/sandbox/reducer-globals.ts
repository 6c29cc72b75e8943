import { TickspaceError } from '../../protocol/errors';

/**
 * What a sandboxed module sees instead of the host's clock, randomness, timers and globals: each
 * one, when used, throws SANDBOX_VIOLATION with a message naming what to use instead, so a reducer
 * that reaches for `Math.random()` fails its call with "use ctx.rng()" rather than with SES's bare
 * "secure mode" error. Reducers must be deterministic: replay re-runs them and must draw the same
 * numbers and read the same time.
 */
function violation(what: string, instead: string): TickspaceError {
  return new TickspaceError(
    'SANDBOX_VIOLATION',
    `${what} is not available in a reducer (the sandbox keeps reducers deterministic, so replays reproduce them): ${instead}`,
    { details: { what } },
  );
}

const thrower = (what: string, instead: string) =>
  function unavailable(): never {
    throw violation(what, instead);
  };

function sandboxMath(): typeof Math {
  const math: Record<string | symbol, unknown> = {};
  for (const key of Reflect.ownKeys(Math))
    math[key] = (Math as unknown as Record<string | symbol, unknown>)[key];
  math.random = thrower('Math.random()', 'use ctx.rng(), seeded from the world seed, the tick and the call');
  return Object.freeze(math) as unknown as typeof Math;
}

/** `Date` with its clock removed: `new Date(ms)`, `Date.UTC` and `Date.parse` still work. */
function sandboxDate(): DateConstructor {
  const now = "use ctx.now, the tick's logical time in ms (new Date(ctx.now) for a date)";
  function SandboxDate(this: unknown, ...args: unknown[]): Date {
    if (new.target === undefined) throw violation('Date() (the current time as text)', now);
    if (args.length === 0) throw violation('new Date() (the current time)', now);
    return Reflect.construct(Date, args, new.target) as Date;
  }
  Object.defineProperties(SandboxDate, {
    prototype: { value: Date.prototype },
    now: { value: thrower('Date.now()', now) },
    UTC: { value: Date.UTC },
    parse: { value: Date.parse },
  });
  return Object.freeze(SandboxDate) as unknown as DateConstructor;
}

/** A host global that names its replacement on any use (`process.env`, `performance.now()`). */
function withheld(name: string, instead: string): object {
  const fail = (): never => {
    throw violation(`the host global '${name}'`, instead);
  };
  return new Proxy(Object.freeze(Object.create(null) as object), {
    get: fail,
    set: fail,
    has: fail,
    apply: fail,
    construct: fail,
    ownKeys: fail,
    getOwnPropertyDescriptor: fail,
  });
}

const schedule =
  'schedule a reducer call with ctx.schedule(reducer, args, { inMs }) (logged, so replays run it too)';

const synchronous =
  'reducers are synchronous transactions: work queued for later would run after the call, outside its transaction and its CPU budget';

/** A thrower that `instanceof` still treats as the constructor it replaces. */
function withPrototype<F extends () => never>(fn: F, prototype: object): F {
  Object.defineProperty(fn, 'prototype', { value: prototype });
  return Object.freeze(fn);
}

/**
 * `Promise` with every way of making one removed: a promise's reactions run as microtasks after
 * the timed run of the tick has returned, where the budget cannot stop them (see tick-budget.ts).
 * `instanceof Promise` still works (the prototype is the real one), so a check costs nothing.
 */
function sandboxPromise(): PromiseConstructor {
  const what = (name: string) => `${name} (a promise's callbacks run after the call)`;
  function SandboxPromise(): never {
    throw violation(what('Promise'), synchronous);
  }
  const statics: PropertyDescriptorMap = { prototype: { value: Promise.prototype } };
  for (const name of ['resolve', 'reject', 'all', 'allSettled', 'any', 'race', 'withResolvers', 'try'])
    statics[name] = { value: thrower(what(`Promise.${name}()`), synchronous) };
  Object.defineProperties(SandboxPromise, statics);
  return Object.freeze(SandboxPromise) as unknown as PromiseConstructor;
}

/**
 * The globals every sandboxed module's Compartment gets on top of SES's safe intrinsics. Built
 * once per Compartment (cheap) so nothing is shared between module versions.
 */
export function reducerGlobals(): Record<string, unknown> {
  return {
    Math: sandboxMath(),
    Date: sandboxDate(),
    setTimeout: thrower('setTimeout', schedule),
    setInterval: thrower('setInterval', schedule),
    setImmediate: thrower('setImmediate', schedule),
    queueMicrotask: thrower('queueMicrotask', 'reducers are synchronous: do the work in the call itself'),
    Promise: sandboxPromise(),
    // Code made from text at run time would escape the bundle-time refusal of async functions
    // (bundle-module.ts), and a nested Compartment would bring the real Promise back.
    eval: thrower('eval', 'a module is the code it was bundled from: no code is made at run time'),
    Function: withPrototype(
      thrower(
        'the Function constructor',
        'a module is the code it was bundled from: no code is made at run time',
      ),
      Function.prototype,
    ),
    Compartment: thrower('Compartment', 'a module runs in the one Compartment the host gives it'),
    process: withheld('process', 'a module reads its configuration at load, outside reducers'),
    Buffer: withheld('Buffer', 'use Uint8Array (t.bytes() columns hold Uint8Array)'),
    performance: withheld('performance', "use ctx.now, the tick's logical time in ms"),
    crypto: withheld('crypto', 'use ctx.rng() for random numbers'),
    fetch: thrower(
      'fetch',
      'reducers cannot do I/O: a client or a server tool calls a reducer with the data',
    ),
    console,
    // SES 2.3's Compartments leave these two out on Node 20 (its permits name them, its shared
    // globals do not); they are frozen intrinsics after lockdown, as safe as Int32Array.
    Float32Array,
    Float64Array,
  };
}
