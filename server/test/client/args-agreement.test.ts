import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileArgsValidator } from '../../src/engine/args';
import {
  createEngine,
  createSchema,
  defineModule,
  t,
  table,
  toIdentity,
  type Engine,
  type ModuleDef,
} from '../../src/engine';
import { describeSchema } from '../../src/engine/tooling';
import {
  BinaryWriter,
  compileWireSchema,
  decodeClientMessage,
  decodeSchemaDescriptor,
  encodeCall,
  encodeSchemaDescriptor,
  TickspaceError,
  BinaryReader,
} from '../../src/protocol';
import { EVERY_KIND, FITTING } from '../engine/every-kind';

/** One reducer whose arguments cover every column kind, optional included. */
const schema = createSchema({ sink: table({ public: true }, { id: t.u32().primaryKey() }) });
const ARGS = { ...EVERY_KIND, a_optional: t.optional(t.u16()) } as const;
type ArgName = keyof typeof ARGS;
const NAMES = Object.keys(ARGS) as ArgName[];
const everything = schema.reducer('everything', ARGS, () => {});
const module = defineModule(schema, { reducers: [everything] });
const alice = toIdentity('a'.repeat(32));
/** The engine's compiled validator, built from the module's declarations (not from the descriptor). */
const engineValidator = compileArgsValidator('everything', ARGS);

/** The SDK's view: the schema descriptor as it travels in IDENTITY, decoded and compiled. */
function sdkSchema(engine: Engine<ModuleDef>) {
  const w = new BinaryWriter();
  encodeSchemaDescriptor(w, describeSchema(engine));
  return compileWireSchema(decodeSchemaDescriptor(new BinaryReader(w.toBytes())));
}

const valid: Record<ArgName, unknown> = {
  a_u8: 255,
  a_u16: 65535,
  a_u32: 4294967295,
  a_i8: -128,
  a_i16: -32768,
  a_i32: -2147483648,
  a_u64: (1n << 64n) - 1n,
  a_i64: -(1n << 63n),
  a_f32: 1.5,
  a_f64: -0.25,
  a_bool: true,
  a_string: 'hello',
  a_bytes: new Uint8Array([1, 2, 3]),
  a_identity: 'b'.repeat(32),
  a_optional: undefined,
};

/** Values of every type near every kind's edges, plus the wrong-type ones the SDK used to coerce. */
const edgeValue = fc.oneof(
  fc.constantFrom<unknown>(
    0,
    -0,
    1,
    -1,
    1.5,
    -2.5,
    255,
    256,
    -128,
    -129,
    65535,
    65536,
    -32768,
    -32769,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    -(2 ** 31) - 1,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 53,
    Number.NaN,
    Infinity,
    -Infinity,
    3.5e38,
    -3.5e38,
    3.4e38,
    0n,
    -1n,
    (1n << 64n) - 1n,
    1n << 64n,
    -(1n << 63n),
    -(1n << 63n) - 1n,
    (1n << 63n) - 1n,
    true,
    false,
    '',
    'lots',
    '12',
    'b'.repeat(32),
    'B'.repeat(32),
    'b'.repeat(31),
    null,
    undefined,
    {},
    [],
    [1],
    new Uint8Array(0),
    new Uint8Array([9]),
  ),
  fc.integer(),
  fc.double(),
  fc.bigInt(),
  fc.string(),
  fc.boolean(),
  fc.uint8Array({ maxLength: 4 }),
);

/** Values that fit each kind, drawn over its whole range, so accepted calls are common too. */
const fitting: Record<ArgName, fc.Arbitrary<unknown>> = {
  ...FITTING,
  a_optional: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
};

/** An argument object: a valid one with some arguments replaced (by fitting or edge values), removed or added. */
const argObject = fc
  .tuple(
    fc.record(
      Object.fromEntries(
        NAMES.map((n) => [
          n,
          fc.oneof({ arbitrary: fitting[n], weight: 30 }, { arbitrary: edgeValue, weight: 1 }),
        ]),
      ) as Record<ArgName, fc.Arbitrary<unknown>>,
      { requiredKeys: [] },
    ),
    fc.oneof(
      { arbitrary: fc.constant<ArgName[]>([]), weight: 8 },
      { arbitrary: fc.subarray(NAMES, { maxLength: 2 }), weight: 1 },
    ),
    fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 10 },
      { arbitrary: fc.constantFrom('extra', 'a_u8x', 'toString'), weight: 1 },
    ),
  )
  .map(([replaced, removed, extra]) => {
    const args: Record<string, unknown> = { ...valid, ...replaced };
    for (const name of removed) delete args[name];
    if (extra !== undefined) args[extra] = 1;
    return args;
  });

function engineVerdict(engine: Engine<ModuleDef>, args: unknown): string {
  try {
    engine.enqueue(alice, 'everything', args);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(TickspaceError);
    return `${(error as TickspaceError).code}: ${(error as TickspaceError).message}`;
  }
}

function sdkVerdict(
  wire: ReturnType<typeof sdkSchema>,
  args: unknown,
): { verdict: string; frame?: Uint8Array } {
  try {
    return { verdict: 'ok', frame: encodeCall(wire, 7, 'everything', args as Record<string, unknown>) };
  } catch (error) {
    expect(error).toBeInstanceOf(TickspaceError);
    return { verdict: `${(error as TickspaceError).code}: ${(error as TickspaceError).message}` };
  }
}

describe('reducer arguments: the SDK and the engine apply the same rules', () => {
  it('accept and reject the same argument objects with the same message, and what the SDK sends decodes to what the engine stores', () => {
    const engine = createEngine({ module, seed: 'args' }) as unknown as Engine<ModuleDef>;
    const wire = sdkSchema(engine);
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(argObject, (args) => {
        const expected = engineVerdict(engine, args);
        const { verdict, frame } = sdkVerdict(wire, args);
        expect(verdict).toBe(expected);
        if (frame === undefined) {
          rejected++;
          expect(verdict).toMatch(
            /^INVALID_ARGUMENT: reducer 'everything' (argument '\w+'|has no argument '\w+')/,
          );
          return;
        }
        accepted++;
        const msg = decodeClientMessage(frame, wire);
        expect(msg.type).toBe('call');
        // The decoded arguments are what the engine's validator keeps (f32 rounded, nothing added).
        const canonical = engineValidator(args);
        expect((msg as { args: Record<string, unknown> }).args).toEqual(canonical);
      }),
      { numRuns: 2000 },
    );
    // Both paths ran: a property over rejections only would say nothing about what is sent.
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });

  it('refuses the values the SDK used to coerce, naming the argument', () => {
    const engine = createEngine({ module, seed: 'args' }) as unknown as Engine<ModuleDef>;
    const wire = sdkSchema(engine);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['i32 1.5', { ...valid, a_i32: 1.5 }, /argument 'a_i32': expected i32/],
      ['"lots" for a number', { ...valid, a_u32: 'lots' }, /argument 'a_u32': expected u32/],
      ['a number for a string', { ...valid, a_string: 5 }, /argument 'a_string': expected string/],
      ['a missing field', { ...valid, a_u8: undefined }, /argument 'a_u8': expected u8/],
      ['an extra field', { ...valid, extra: 1 }, /has no argument 'extra'/],
    ];
    // -0 fits every integer kind; both sides keep it as the 0 that the wire and the log carry.
    expect(Object.is(engineValidator({ ...valid, a_i8: -0, a_u32: -0 }).a_i8, 0)).toBe(true);
    expect(Object.is(wire.reducerByName('everything')!.validate({ ...valid, a_u32: -0 }).a_u32, 0)).toBe(
      true,
    );
    for (const [what, args, message] of cases) {
      expect(() => encodeCall(wire, 1, 'everything', args), what).toThrow(message);
      expect(() => engine.enqueue(alice, 'everything', args), what).toThrow(message);
    }
  });
});
