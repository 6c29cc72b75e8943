/**
 * Test set-up for the chest tests: a finished storage chest near a player, on a spot where a click
 * on its centre picks the chest (no tree, rock or player takes the click). The placement rules are
 * the server's; only the construction is skipped.
 */
import type { Engine, Identity, ReducerContext } from '@tickspace/server/engine';
import type { FrontierModule } from '@tickspace/server/world';
import { grantItems } from './page-helpers';
import { clickClearAt, spotsAround } from './world-clicks';

/**
 * Places a storage chest for `owner` at the first clear spot `radii` tiles around them (eight
 * directions per radius, in order), marks it complete and returns its id.
 */
export async function placeFinishedChest(
  engine: Engine<FrontierModule>,
  owner: Identity,
  radii: readonly number[] = [3, 4, 5, 6],
): Promise<number> {
  const me = engine.db.avatar.find(owner)!;
  await grantItems(engine, owner, { plank: 8, rope: 2 });
  for (const [dx, dy] of spotsAround(radii)) {
    const x = Math.floor(me.x) + dx;
    const y = Math.floor(me.y) + dy;
    if (!clickClearAt(x, y, engine.db.resource_node.iter(), engine.db.avatar.iter())) continue;
    const ok = await new Promise<boolean>((resolve) =>
      engine.enqueue(owner, 'place_building', { kind: 'storage_chest', x, y }, (r) => resolve(r.ok)),
    );
    if (!ok) continue;
    const b = engine.db.building.iter().find((r) => r.x === x && r.y === y)!;
    await new Promise<void>((resolve) =>
      engine.enqueueSystem(
        '__test_finish',
        (ctx: ReducerContext<FrontierModule['tables']>) =>
          ctx.db.building.update({ ...ctx.db.building.find(b.id)!, complete: true }),
        () => resolve(),
      ),
    );
    return b.id;
  }
  throw new Error('no free site for the chest');
}
