import { TickspaceError } from '../engine';
import type { Fabric, FabricKv } from '../fabric';

/** Where an entity lives, as the directory knows it. */
export interface DirectoryEntry {
  readonly region: string;
  readonly epoch: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** KV keys take `[-/_=.a-zA-Z0-9]`: other ids go in as hex, under their own prefix so they never collide. */
function keyOf(entity: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(entity)) return `p.r.${entity}`;
  return `p.h.${Buffer.from(entity, 'utf8').toString('hex')}`;
}

/**
 * The entity → region directory in a fabric KV bucket (`ts_dir`). Each receiving region records
 * its arrivals by compare-and-set and never lowers an epoch, so two regions racing (a late
 * redelivery, a region restarted from its log) cannot move an entry back. Routing only: the
 * regions' logs, not this, say who owns an entity.
 */
export class PlayerDirectory {
  readonly #kv: FabricKv;

  constructor(kv: FabricKv) {
    this.#kv = kv;
  }

  /** Where `entity` lives, or undefined if no region recorded it. */
  async find(entity: string): Promise<DirectoryEntry | undefined> {
    const entry = await this.#kv.find(keyOf(entity));
    return entry === undefined ? undefined : (JSON.parse(decoder.decode(entry.value)) as DirectoryEntry);
  }

  /**
   * Records `entity` in `region` at `epoch` unless the directory already holds that epoch or a
   * later one; returns whether it wrote. Retries a lost compare-and-set (`maxAttempts` times).
   * @throws TickspaceError KV_CONFLICT if every attempt lost; FABRIC_UNAVAILABLE from the broker.
   */
  async record(entity: string, region: string, epoch: number, maxAttempts = 16): Promise<boolean> {
    const key = keyOf(entity);
    const value = encoder.encode(JSON.stringify({ region, epoch } satisfies DirectoryEntry));
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const current = await this.#kv.find(key);
      try {
        if (current === undefined) {
          await this.#kv.create(key, value);
          return true;
        }
        const known = JSON.parse(decoder.decode(current.value)) as DirectoryEntry;
        if (known.epoch >= epoch) return false;
        await this.#kv.update(key, value, current.revision);
        return true;
      } catch (error) {
        if (!(error instanceof TickspaceError && error.code === 'KV_CONFLICT')) throw error;
      }
    }
    throw new TickspaceError(
      'KV_CONFLICT',
      `directory: ${entity} → ${region}@${epoch} lost ${maxAttempts} races`,
      {
        details: { entity, region, epoch },
      },
    );
  }
}

/** Opens the directory bucket on a fabric. @default bucket 'ts_dir' */
export async function openPlayerDirectory(fabric: Fabric, bucket = 'ts_dir'): Promise<PlayerDirectory> {
  return new PlayerDirectory(await fabric.kv(bucket));
}
