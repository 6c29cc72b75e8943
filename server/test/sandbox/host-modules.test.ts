/**
 * What Frontier needs from the sandbox, on small modules: host modules (packages lent by the host,
 * refused unless named), a function default export as a module factory called with the version's
 * config (logged and hashed with it), and the Compartment's globals bound once without stopping a
 * module from declaring the same names.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, toIdentity } from '../../src/engine';
import { loadModuleText, provideHostModules } from '../../src/engine/sandbox';
import { loadPublished } from '../../src/engine/sandbox/load-module';

const alice = toIdentity('a'.repeat(32));

/** A module drawing from seedrandom (a host module) with the step its factory is given. */
const FACTORY = `
import seedrandom from 'seedrandom';
import { createSchema, defineModule, t, table } from 'tickspace';
const schema = createSchema({ roll: table({ public: true }, { id: t.u32().primaryKey(), value: t.f64() }) });
export default function make(config) {
  const rng = seedrandom.alea(config.seed);
  const roll = schema.reducer('roll', { id: t.u32() }, (ctx, { id }) => {
    ctx.db.roll.insert({ id, value: Math.floor(rng() * 1000) * config.step });
  });
  return defineModule(schema, { reducers: [roll] });
}
`;

async function rolled(config: { seed: string; step: number }): Promise<number> {
  const v = await loadModuleText(FACTORY, 'factory.ts', { hostModules: ['seedrandom'], config });
  const engine = createEngine({ module: v.module });
  engine.enqueue(alice, 'roll', { id: 1 });
  engine.runTick();
  return (engine.tables.roll!.find(1) as { value: number }).value;
}

describe('host modules and module factories', () => {
  beforeAll(async () => provideHostModules({ seedrandom: await import('seedrandom') }));

  it('refuses a package the bundle was not told is lent, naming the host modules it may use', async () => {
    await expect(loadModuleText(FACTORY, 'factory.ts', { hostModules: ['zod'] })).rejects.toThrow(
      /imports the package 'seedrandom'.*host modules 'zod'/,
    );
  });

  it('lends a host module to the bundle and calls the factory with the config', async () => {
    const a = await rolled({ seed: 's', step: 1 });
    expect(await rolled({ seed: 's', step: 3 })).toBe(a * 3);
    expect(await rolled({ seed: 's', step: 1 })).toBe(a);
  });

  it('hashes and logs the config with the version, so loading the logged payload builds the same module', async () => {
    const one = await loadModuleText(FACTORY, 'factory.ts', {
      hostModules: ['seedrandom'],
      config: { seed: 'x', step: 1 },
    });
    const two = await loadModuleText(FACTORY, 'factory.ts', {
      hostModules: ['seedrandom'],
      config: { seed: 'x', step: 2 },
    });
    expect(one.bundle.hash).not.toBe(two.bundle.hash);
    expect(one.payload).toMatchObject({ hash: one.bundle.hash, config: { seed: 'x', step: 1 } });
    const again = await loadPublished(two.payload as never, 'the log');
    const engine = createEngine({ module: again.module });
    engine.enqueue(alice, 'roll', { id: 1 });
    engine.runTick();
    expect((engine.tables.roll!.find(1) as { value: number }).value).toBe(
      (await rolled({ seed: 'x', step: 1 })) * 2,
    );
  });

  it('says what a factory returned when it is not a module', async () => {
    await expect(loadModuleText('export default function () { return 42; }', 'bad.ts')).rejects.toThrow(
      /bad\.ts: its default export is a function, so it is called as a module factory, and it returned number/,
    );
  });

  it('lets a module declare a name the Compartment binds as a global', async () => {
    const text = `
import { createSchema, defineModule, t, table } from 'tickspace';
const Map = 'shadowed';
const schema = createSchema({ note: table({}, { id: t.u32().primaryKey(), text: t.string() }) });
const write = schema.reducer('write', {}, (ctx) => { ctx.db.note.insert({ id: 1, text: Map + ':' + Math.max(1, 2) }); });
export default defineModule(schema, { reducers: [write] });
`;
    const v = await loadModuleText(text, 'shadow.ts');
    const engine = createEngine({ module: v.module });
    engine.enqueue(alice, 'write', {});
    engine.runTick();
    expect(engine.tables.note!.find(1)).toMatchObject({ text: 'shadowed:2' });
  });
});
