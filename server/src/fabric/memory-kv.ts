import { TickspaceError } from '../protocol/errors';
import type { FabricKv, KvEntry } from './port';

/**
 * An in-process KV bucket with the JetStream KV's compare-and-set rules: one revision counter
 * per bucket, `create` refuses an existing key, `update` refuses a moved revision.
 */
export class MemoryKv implements FabricKv {
  readonly #bucket: string;
  readonly #entries = new Map<string, KvEntry>();
  #revision = 0;

  constructor(bucket: string) {
    this.#bucket = bucket;
  }

  async find(key: string): Promise<KvEntry | undefined> {
    return this.#entries.get(key);
  }

  async put(key: string, value: Uint8Array): Promise<number> {
    return this.#set(key, value);
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    const entry = this.#entries.get(key);
    if (entry !== undefined)
      throw new TickspaceError(
        'KV_CONFLICT',
        `kv ${this.#bucket}: create of '${key}' refused, the key exists at revision ${entry.revision}`,
        { details: { bucket: this.#bucket, key, revision: entry.revision } },
      );
    return this.#set(key, value);
  }

  async update(key: string, value: Uint8Array, revision: number): Promise<number> {
    const entry = this.#entries.get(key);
    if (entry?.revision !== revision)
      throw new TickspaceError(
        'KV_CONFLICT',
        `kv ${this.#bucket}: update of '${key}' at revision ${revision} refused, it is at ${entry?.revision ?? 'none'}`,
        { details: { bucket: this.#bucket, key, expected: revision, actual: entry?.revision } },
      );
    return this.#set(key, value);
  }

  #set(key: string, value: Uint8Array): number {
    this.#revision++;
    this.#entries.set(key, { value: value.slice(), revision: this.#revision });
    return this.#revision;
  }
}
