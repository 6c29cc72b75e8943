import seedrandom from 'seedrandom';
import { createSchema, defineModule, ReducerError, t, table } from '../../src/engine';
import {
  CLIENT_MESSAGE,
  compileWireSchema,
  encodeCall,
  encodeConnect,
  encodePing,
  encodeSubscribe,
  encodeUnsubscribe,
  PROTOCOL_VERSION,
  type SchemaDescriptor,
} from '../../src/protocol';

/** The password `set` needs: random mutation never produces it, so fuzzed calls reach the reducer and fail there. */
export const SECRET = 0xdead_beef_cafe_f00dn;

const schema = createSchema({
  kv: table(
    { public: true, indexes: [{ name: 'tag', columns: ['tag'], kind: 'hash' }] },
    { key: t.u32().primaryKey(), tag: t.u8(), value: t.string(), at: t.f32() },
  ),
  pos: table(
    { public: true, spatial: { x: 'x', y: 'y', cellSize: 16 } },
    { id: t.u32().primaryKey(), x: t.f32(), y: t.f32() },
  ),
  hidden: table({ public: false }, { id: t.u8().primaryKey(), n: t.u32() }),
});
const set = schema.reducer(
  'set',
  { key: t.u32(), tag: t.u8(), value: t.string(), at: t.f32(), secret: t.u64(), note: t.optional(t.bytes()) },
  (ctx, a) => {
    if (a.secret !== SECRET) throw new ReducerError('WRONG_SECRET', 'wrong secret');
    const row = { key: a.key, tag: a.tag, value: a.value, at: a.at };
    if (ctx.db.kv.has(a.key)) ctx.db.kv.update(row);
    else ctx.db.kv.insert(row);
  },
);
const place = schema.reducer(
  'place',
  { id: t.u32(), x: t.f32(), y: t.f32(), secret: t.u64(), by: t.identity() },
  (ctx, a) => {
    if (a.secret !== SECRET) throw new ReducerError('WRONG_SECRET', 'wrong secret');
    if (ctx.db.pos.has(a.id)) ctx.db.pos.update({ id: a.id, x: a.x, y: a.y });
    else ctx.db.pos.insert({ id: a.id, x: a.x, y: a.y });
  },
);

/** A module whose reducers change state only with the secret; no lifecycle hooks touch state. */
export const fuzzModule = defineModule(schema, {
  reducers: [set, place],
  init: (ctx) => {
    ctx.db.hidden.insert({ id: 1, n: 7 });
    for (let i = 0; i < 20; i++) ctx.db.pos.insert({ id: i, x: i * 7, y: i * 3 });
    ctx.db.kv.insert({ key: 1, tag: 2, value: 'seed', at: 1.5 });
  },
});

/**
 * Frames for fuzzing: valid frames of every kind (calls with a wrong secret), then random bytes
 * and mutations of valid frames (bit flips, truncation, extension, spliced bytes, a changed tag).
 */
export function createFrameSource(descriptor: SchemaDescriptor, seed: string) {
  const schema = compileWireSchema(descriptor);
  const rng = seedrandom.alea(seed);
  const int = (n: number) => Math.floor(rng() * n);
  const valid = (): Uint8Array => {
    switch (int(8)) {
      case 0:
        return encodeCall(schema, int(1000), 'set', {
          key: int(50),
          tag: int(4),
          value: 'v'.repeat(int(20)),
          at: rng() * 100,
          secret: BigInt(int(1e9)),
          note: int(2) ? undefined : new Uint8Array(int(8)),
        });
      case 1:
        return encodeCall(schema, int(1000), 'place', {
          id: int(30),
          x: rng() * 300 - 50,
          y: rng() * 300 - 50,
          secret: 1n,
          by: 'ab'.repeat(16),
        });
      case 2:
        return encodeSubscribe(schema, int(40), { table: 'kv' });
      case 3:
        return encodeSubscribe(schema, int(40), { table: 'kv', where: { index: 'tag', value: int(4) } });
      case 4:
        return encodeSubscribe(schema, int(40), {
          table: 'pos',
          near: { x: rng() * 200, y: rng() * 200, radius: rng() * 60, exitRadius: 70 },
        });
      case 5:
        return encodeSubscribe(schema, int(40), {
          table: 'pos',
          follow: { table: 'pos', key: int(25), radius: rng() * 40, exitRadius: 45 },
        });
      case 6:
        return encodeUnsubscribe(int(40));
      default:
        return int(4) === 0 ? encodeConnect(PROTOCOL_VERSION, '') : encodePing(int(1 << 20));
    }
  };
  const mutate = (f: Uint8Array): Uint8Array => {
    const out = Array.from(f);
    const edits = 1 + int(4);
    for (let e = 0; e < edits; e++) {
      switch (int(6)) {
        case 0:
          if (out.length > 0) out[int(out.length)]! ^= 1 << int(8);
          break;
        case 1:
          out.length = int(out.length + 1);
          break;
        case 2:
          for (let i = int(8); i >= 0; i--) out.push(int(256));
          break;
        case 3:
          if (out.length > 0) out.splice(int(out.length), 0, int(256), 0xff, 0xff, 0xff);
          break;
        case 4:
          if (out.length > 0) out[0] = int(256);
          break;
        default:
          if (out.length > 1) out[1 + int(out.length - 1)] = 0xff;
      }
    }
    return new Uint8Array(out);
  };
  return {
    valid,
    next(): Uint8Array {
      const r = rng();
      if (r < 0.3) return new Uint8Array(Array.from({ length: int(120) }, () => int(256)));
      if (r < 0.85) return mutate(valid());
      return valid();
    },
    /**
     * A BATCH of 1-16 frames from `next` (so mostly broken messages in a sound envelope), its
     * envelope itself mutated one time in three; lengths are honest unless mutated.
     */
    batch(): Uint8Array {
      const out: number[] = [CLIENT_MESSAGE.BATCH];
      const n = 1 + int(16);
      const push = (v: number) => {
        while (v >= 0x80) {
          out.push((v & 0x7f) | 0x80);
          v = Math.floor(v / 0x80);
        }
        out.push(v);
      };
      push(n);
      for (let i = 0; i < n; i++) {
        const m = this.next();
        push(m.length);
        out.push(...m);
      }
      const frame = new Uint8Array(out);
      return int(3) === 0 ? mutate(frame) : frame;
    },
    connect: () => encodeConnect(PROTOCOL_VERSION, ''),
  };
}
