import {
  compileWireSchema,
  wireMapKey,
  type SchemaDescriptor,
  type SectionVisitor,
} from '../../src/protocol';

/** A fixed descriptor for golden frames: changing it changes the fixtures, on purpose. */
export const descriptor: SchemaDescriptor = {
  tables: [
    {
      id: 0,
      name: 'entity',
      columns: [
        { name: 'id', kind: 'u32' },
        { name: 'x', kind: 'f32' },
        { name: 'y', kind: 'f32' },
        { name: 'hp', kind: 'u16' },
        { name: 'alive', kind: 'bool' },
        { name: 'tag', kind: 'optional', inner: { name: 'tag', kind: 'string' } },
      ],
      primaryKey: [0],
      spatial: { x: 1, y: 2, cellSize: 16 },
      indexes: [{ name: 'hp', kind: 'btree', columns: [3], unique: false }],
      hasVisibility: false,
    },
    {
      id: 2,
      name: 'member',
      columns: [
        { name: 'group', kind: 'u16' },
        { name: 'who', kind: 'identity' },
        { name: 'role', kind: 'string' },
        { name: 'since', kind: 'i64' },
      ],
      primaryKey: [0, 1],
      spatial: undefined,
      indexes: [{ name: 'role', kind: 'hash', columns: [2], unique: false }],
      hasVisibility: true,
    },
  ],
  reducers: [
    {
      id: 0,
      name: 'move',
      args: [
        { name: 'dx', kind: 'f32' },
        { name: 'dy', kind: 'f32' },
      ],
    },
    {
      id: 2,
      name: 'chat',
      args: [
        { name: 'text', kind: 'string' },
        { name: 'at', kind: 'i64' },
        { name: 'to', kind: 'optional', inner: { name: 'to', kind: 'identity' } },
      ],
    },
  ],
};

export const schema = compileWireSchema(descriptor);

export const ALICE = 'a1'.repeat(16);

/** A visitor that records table contents as plain data, applying updates to `base` rows. */
export function collectingVisitor(base: Map<string, Record<string, unknown>> = new Map()) {
  const out: unknown[] = [];
  const visitor: SectionVisitor = {
    delete: (t, key) => out.push({ table: t.name, delete: key }),
    insert: (t, row) => out.push({ table: t.name, insert: row }),
    update: (t, key, r) =>
      out.push({
        table: t.name,
        update: t.update.decode(r, base.get(`${t.name}:${String(wireMapKey(key))}`)),
      }),
    reset: (t, rows) => out.push({ table: t.name, reset: rows }),
  };
  return { out, visitor };
}
