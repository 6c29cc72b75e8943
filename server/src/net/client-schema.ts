import type { CallResult, Engine, Identity, ModuleDef } from '../engine';
import type { ServerSchema } from '../engine/tooling';
import { TickspaceError } from '../protocol';

/**
 * Which schema one client encodes its frames with, across runtime migrations: the one it got in
 * IDENTITY or last acknowledged with SCHEMA_ACK. Schemas sent in SCHEMA wait here until their ACK,
 * so frames the client sent before reading SCHEMA are decoded the way it encoded them.
 */
export class ClientSchema {
  #current: ServerSchema;
  /** Schemas sent in SCHEMA and not acknowledged yet, oldest first. */
  readonly #announced: ServerSchema[] = [];

  constructor(schema: ServerSchema) {
    this.#current = schema;
  }

  /** The schema the client's frames are decoded with. */
  get current(): ServerSchema {
    return this.#current;
  }

  /** Before the handshake: the client will be described this schema in IDENTITY. */
  replace(schema: ServerSchema): void {
    this.#current = schema;
  }

  /** The client was sent SCHEMA for `schema`: its frames stay in the current one until the ACK. */
  announce(schema: ServerSchema): void {
    this.#announced.push(schema);
  }

  /**
   * SCHEMA_ACK: the client encodes with schema `version` from this frame on.
   * @throws TickspaceError PROTOCOL_ERROR for a version that was not announced
   */
  acknowledge(version: number): void {
    const i = this.#announced.findIndex((s) => s.version === version);
    if (i < 0)
      throw new TickspaceError(
        'PROTOCOL_ERROR',
        `SCHEMA_ACK names schema version ${version}, which was not announced (awaiting ${this.#announced.map((s) => s.version).join(', ') || 'none'})`,
      );
    this.#current = this.#announced[i]!;
    this.#announced.splice(0, i + 1);
  }

  /**
   * Queues a call decoded with the current schema: as decoded when it is the engine's, else (the
   * client sent it before reading SCHEMA) by reducer name, its arguments checked against the new
   * version's rules.
   * @throws TickspaceError UNKNOWN_REDUCER, INVALID_ARGUMENT (naming both versions), RATE_LIMITED
   */
  enqueue(
    engine: Engine<ModuleDef>,
    sender: Identity,
    reducerId: number,
    args: Record<string, unknown>,
    onResult: (result: CallResult) => void,
  ): void {
    const schema = this.#current;
    if (schema.wire === engine.schema.wire) {
      engine.enqueueDecoded(sender, schema, reducerId, args, onResult);
      return;
    }
    const name = schema.reducers.byId(reducerId)!.name;
    try {
      engine.enqueue(sender, name, args, onResult);
    } catch (error) {
      if (!(error instanceof TickspaceError) || error.code === 'RATE_LIMITED') throw error;
      throw new TickspaceError(
        error.code,
        `the call to '${name}' was made for schema version ${schema.version} and reached version ${engine.schema.version}: ${error.message}`,
        { details: error.details, cause: error },
      );
    }
  }
}
