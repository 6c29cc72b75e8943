import type { Camera } from '../render/camera';
import { TILE_PX } from '../render/tile-metrics';
import type { AvatarRow } from '../world/rows';
import type { Unsubscribe } from '../world/world-view';
import type { GameConnection } from './connection';
import type { Predictor } from './prediction';

/**
 * Keeps the predicted own avatar in step with the server's row: a fresh row (join, reconnect,
 * teleport) resets the prediction and jumps the camera; an update reconciles, leading by half a
 * round trip plus a tick (what the server has not applied of our input yet).
 */
export function watchSelfAvatar(
  connection: GameConnection,
  predictor: Predictor,
  camera: Camera,
): Unsubscribe {
  const avatars = connection.view.table('avatar');
  const onSelf = (row: AvatarRow, fresh: boolean) => {
    if (row.identity !== connection.identity) return;
    if (fresh || !predictor.initialized) {
      predictor.reset(row.x, row.y);
      camera.jumpTo(row.x * TILE_PX, row.y * TILE_PX);
      return;
    }
    const stats = connection.stats();
    const lead = (Number.isFinite(stats.pingMs) ? stats.pingMs / 2 : 50) + connection.tickMs;
    predictor.reconcile(row.x, row.y, row.dirX, row.dirY, connection.tick * connection.tickMs, lead);
  };
  const self = connection.identity === undefined ? undefined : avatars.find(connection.identity);
  if (self !== undefined) onSelf(self, true);
  const offInsert = avatars.onInsert((r) => onSelf(r, true));
  const offUpdate = avatars.onUpdate((_o, r) => onSelf(r, false));
  return () => {
    offInsert();
    offUpdate();
  };
}
