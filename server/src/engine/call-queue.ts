import { TickspaceError } from '../protocol/errors';
import { missingReducer } from './call-runner';
import { CALL_ORIGIN, type CallRecord, type CallResult } from './engine-types';
import type { Identity } from './identity';
import { lifecycleHook, noop } from './lifecycle';
import type { ModuleDef, ReducerContext } from './module';
import { QueuedCall } from './queued-call';
import type { ReducerFn, ServerSchema } from './server-schema';

/** What the queue resolves calls against: the running module and its reducer table. */
export interface QueueHost {
  readonly module: ModuleDef;
  readonly schema: ServerSchema;
}

/**
 * The calls waiting for the next tick, each already resolved to the function it will run. Client
 * calls are bounded (`maxQueued`, then RATE_LIMITED); lifecycle, system and replayed calls are not.
 */
export class CallQueue {
  readonly #host: QueueHost;
  readonly #maxQueued: number;
  #queue: QueuedCall[] = [];

  constructor(host: QueueHost, maxQueued: number) {
    this.#host = host;
    this.#maxQueued = maxQueued;
  }

  /** Number of calls waiting. */
  get length(): number {
    return this.#queue.length;
  }

  /** Hands over the calls waiting (for a tick to run) and starts an empty queue. */
  take(): QueuedCall[] {
    const queue = this.#queue;
    this.#queue = [];
    return queue;
  }

  /** Queues a lifecycle or system call as it is. */
  push(call: QueuedCall): void {
    this.#queue.push(call);
  }

  /** Queues a lifecycle call; a hook the module leaves out runs as a no-op. */
  lifecycle(
    name: string,
    fn: ((ctx: ReducerContext<any>) => void) | undefined,
    sender: Identity,
    onResult?: (r: CallResult) => void,
  ): void {
    this.#queue.push(new QueuedCall(CALL_ORIGIN.LIFECYCLE, name, fn ?? noop, sender, {}, onResult));
  }

  /**
   * Queues a client call by reducer name, its arguments validated now (see Engine.enqueue).
   * @throws TickspaceError UNKNOWN_REDUCER, INVALID_ARGUMENT, RATE_LIMITED
   */
  enqueue(sender: Identity, reducer: string, args: unknown, onResult?: (result: CallResult) => void): void {
    const entry = this.#host.schema.reducers.byName(reducer);
    if (entry === undefined || entry.internal)
      throw new TickspaceError('UNKNOWN_REDUCER', `no reducer named '${reducer}'`, { details: { reducer } });
    this.#checkQueueRoom(reducer);
    const validated = entry.validate(args);
    this.#queue.push(new QueuedCall(CALL_ORIGIN.CLIENT, reducer, entry.fn, sender, validated, onResult));
  }

  /**
   * Queues a client call decoded from the wire with `schema` (see Engine.enqueueDecoded).
   * @throws TickspaceError UNKNOWN_REDUCER, RATE_LIMITED
   * @throws Error if `schema` is not the current schema.
   */
  enqueueDecoded(
    sender: Identity,
    schema: ServerSchema,
    reducerId: number,
    args: Record<string, unknown>,
    onResult?: (result: CallResult) => void,
  ): void {
    const current = this.#host.schema;
    // A publish that changes only reducer bodies keeps the wire codecs: calls decoded with them run
    // the current version's reducer of that id.
    if (schema.wire !== current.wire)
      throw new Error(
        `a call decoded with schema version ${schema.version} reached the engine at version ${current.version}`,
      );
    const entry = current.reducers.byId(reducerId);
    if (entry === undefined || entry.internal)
      throw new TickspaceError('UNKNOWN_REDUCER', `no reducer with id ${reducerId}`, {
        details: { reducerId },
      });
    this.#checkQueueRoom(entry.name);
    this.#queue.push(new QueuedCall(CALL_ORIGIN.CLIENT, entry.name, entry.fn, sender, args, onResult));
  }

  /**
   * Queues a call as a log recorded it (other than `__init`): a client call resolves its reducer
   * by name, a lifecycle call its hook.
   * @throws TickspaceError UNKNOWN_REDUCER if the module no longer has the reducer.
   */
  enqueueRecorded(
    call: Pick<CallRecord, 'origin' | 'reducer' | 'sender' | 'args'>,
    onResult?: (result: CallResult) => void,
  ): void {
    const fn: ReducerFn | undefined =
      call.origin === CALL_ORIGIN.LIFECYCLE
        ? lifecycleHook(this.#host.module, call.reducer)
        : this.#host.schema.reducers.byName(call.reducer)?.fn;
    if (fn === undefined)
      throw new TickspaceError('UNKNOWN_REDUCER', `replay: the module has no reducer '${call.reducer}'`, {
        details: { reducer: call.reducer },
      });
    this.#queue.push(new QueuedCall(call.origin, call.reducer, fn, call.sender, call.args, onResult));
  }

  /** After a module swap: every queued call resolves against the new version, none runs the old code. */
  rebind(): void {
    const { module, schema } = this.#host;
    for (const queued of this.#queue) {
      if (queued.origin === CALL_ORIGIN.LIFECYCLE) {
        const hook = lifecycleHook(module, queued.reducer);
        if (hook !== undefined) queued.rebind(hook);
      } else queued.rebind(schema.reducers.byName(queued.reducer)?.fn ?? missingReducer(queued.reducer));
    }
  }

  #checkQueueRoom(reducer: string): void {
    if (this.#queue.length >= this.#maxQueued)
      throw new TickspaceError('RATE_LIMITED', `the call queue is full (${this.#maxQueued} calls)`, {
        details: { reducer },
      });
  }
}
