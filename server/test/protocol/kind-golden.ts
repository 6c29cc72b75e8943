import { KIND_SAMPLES } from './kind-samples';

/** The codec entry points the golden values are made with (passed in, so older code can make them too). */
export interface GoldenApi {
  readonly BinaryWriter: new () => { toBytes(): Uint8Array };
  compileValueCodec(shape: object): { encode(w: unknown, v: unknown): void };
  compileUpdateCodec(
    columns: readonly object[],
    key: readonly number[],
  ): { encode(w: unknown, old: object, next: object): boolean };
  hashRow(
    tableId: number,
    columns: readonly unknown[],
    names: readonly string[],
    row: object,
    out: Uint32Array,
  ): void;
  readonly t: Readonly<Record<string, ColumnFactory>>;
}

/**
 * One of `t`'s column factories (`t.u8()`, `t.optional(inner)`). Typed through a method so that its
 * parameter is checked bivariantly: each real factory takes its own column type, which `unknown`
 * would refuse.
 */
type ColumnFactory = { factory(inner?: unknown): unknown }['factory'];

/** The pinned bytes and hashes of one kind's samples. */
export interface KindGolden {
  /** The valid samples written one after another. */
  readonly wire: string;
  /** `undefined` then every valid sample, as `optional<kind>`. */
  readonly optionalWire: string;
  /** Update bodies from each sample to the next and back, in a table (id u8 key, v kind, o optional kind). */
  readonly updates: readonly string[];
  /** Both state hash lanes of the row {v: sample, o: sample}, then of {v: first sample, o: undefined}. */
  readonly hashes: readonly string[];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Computes every kind's golden values with `api`. */
export function kindGoldens(api: GoldenApi): Record<string, KindGolden> {
  const out: Record<string, KindGolden> = {};
  for (const [kind, samples] of Object.entries(KIND_SAMPLES)) {
    const shape = { name: 'v', kind };
    const optional = { name: 'o', kind: 'optional', inner: { name: 'o', kind } };
    const write = (codec: { encode(w: unknown, v: unknown): void }, values: readonly unknown[]) => {
      const w = new api.BinaryWriter();
      for (const v of values) codec.encode(w, v);
      return hex(w.toBytes());
    };
    const update = api.compileUpdateCodec([{ name: 'id', kind: 'u8' }, shape, optional], [0]);
    const updates: string[] = [];
    const valid = samples.valid;
    for (let i = 0; i + 1 < valid.length; i++)
      for (const [a, b] of [
        [valid[i], valid[i + 1]],
        [valid[i + 1], valid[i]],
      ]) {
        const w = new api.BinaryWriter();
        update.encode(w, { id: 1, v: a, o: a }, { id: 1, v: b, o: i % 2 === 0 ? b : undefined });
        updates.push(hex(w.toBytes()));
      }
    const columns = [api.t[kind]!(), api.t.optional!(api.t[kind]!())];
    const lanes = new Uint32Array(2);
    const hashes: string[] = [];
    for (const row of [...valid.map((v) => ({ v, o: v })), { v: valid[0], o: undefined }]) {
      api.hashRow(7, columns, ['v', 'o'], row, lanes);
      hashes.push(`${lanes[0]!.toString(16)}:${lanes[1]!.toString(16)}`);
    }
    out[kind] = {
      wire: write(api.compileValueCodec(shape), valid),
      optionalWire: write(api.compileValueCodec(optional), [undefined, ...valid]),
      updates,
      hashes,
    };
  }
  return out;
}
