import fs from 'node:fs';
import path from 'node:path';
import { TickspaceError } from '../../protocol/errors';
import { SEGMENT_EXT, SEGMENT_HEADER_BYTES, encodeSegmentHeader, tickFileName } from './format';

/**
 * When the log forces its bytes to stable storage.
 * - `'tick'`: one fsync per tick, shared by every tick written while the previous fsync ran
 *   (group commit). The default.
 * - `{ everyMs }`: one fsync every `everyMs` milliseconds; a crash loses at most that window.
 * - `'never'`: leave it to the OS (tests, benchmarks). A process crash loses nothing, a power
 *   loss may lose the page cache.
 */
export type Durability = 'tick' | 'never' | { readonly everyMs: number };

/** Options for {@link LogWriter}. */
export interface LogWriterOptions {
  /** @default 'tick' */
  readonly durability?: Durability;
  /** A new segment starts once the current one would exceed this. @default 64 MiB */
  readonly segmentBytes?: number;
}

/** Where a writer continues: the newest segment and its valid length (after any cut). */
export interface WriterStart {
  readonly segment: { readonly file: string; readonly firstTick: number; readonly size: number } | undefined;
  readonly nextTick: number;
}

/** Append and fsync counters: the cost the tick loop pays for the log. */
export interface LogWriterStats {
  readonly records: number;
  readonly bytes: number;
  readonly segments: number;
  /** Synchronous time spent in `append` (the write syscall, plus rotation), total and worst. */
  readonly appendMsTotal: number;
  readonly appendMsMax: number;
  readonly fsyncs: number;
  readonly fsyncMsTotal: number;
  readonly fsyncMsMax: number;
}

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Called when a segment is created or a record appended: keeps the reader's index current. */
export interface AppendListener {
  onSegment(file: string, firstTick: number): void;
  onRecord(tick: number, offset: number, end: number): void;
}

/**
 * Appends framed records to segment files: one synchronous write per tick (so the bytes reach the
 * OS before the tick's hook returns, in order), fsyncs on the libuv pool per the durability policy
 * (never on the tick loop), and rotates segments at `segmentBytes`. After any write or fsync
 * failure the writer is failed: every later append throws LOG_FAILED, because a log with an
 * unknown tail must not keep accepting ticks.
 */
export class LogWriter {
  readonly logDir: string;
  readonly durability: Durability;
  readonly segmentBytes: number;
  #fd = -1;
  #file = '';
  #pos = 0;
  #nextTick: number;
  #seq = 0;
  #syncedSeq = 0;
  #durableTick: number;
  #syncing = false;
  #waiters: Waiter[] = [];
  #dirty = new Set<number>();
  #closeAfterSync: number[] = [];
  #dirDirty = false;
  #wantSync = false;
  #failed: TickspaceError | undefined;
  #timer: NodeJS.Timeout | undefined;
  #listener: AppendListener | undefined;
  #closed = false;
  /** Appends waiting for {@link holdUntil}'s promise, in tick order (copies: a framed view is reused). */
  #held: { readonly tick: number; readonly framed: Uint8Array }[] = [];
  /** The last hold placed; appends are held while it is unsettled. */
  #hold: Promise<void> | undefined;
  #stats = {
    records: 0,
    bytes: 0,
    segments: 0,
    appendMsTotal: 0,
    appendMsMax: 0,
    fsyncs: 0,
    fsyncMsTotal: 0,
    fsyncMsMax: 0,
  };

  /**
   * @throws TickspaceError LOG_FAILED if the newest segment cannot be opened for writing.
   */
  constructor(logDir: string, start: WriterStart, options: LogWriterOptions = {}, listener?: AppendListener) {
    this.logDir = logDir;
    this.durability = options.durability ?? 'tick';
    this.segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
    if (!(this.segmentBytes >= 1024))
      throw new RangeError(`segmentBytes must be >= 1024, got ${this.segmentBytes}`);
    if (typeof this.durability === 'object' && !(this.durability.everyMs > 0))
      throw new RangeError(`durability.everyMs must be > 0, got ${this.durability.everyMs}`);
    this.#nextTick = start.nextTick;
    this.#durableTick = start.nextTick - 1;
    this.#listener = listener;
    if (start.segment !== undefined) {
      try {
        this.#fd = fs.openSync(start.segment.file, 'r+');
      } catch (cause) {
        throw new TickspaceError('LOG_FAILED', `cannot open segment ${start.segment.file} for appending`, {
          cause,
          details: { file: start.segment.file },
        });
      }
      this.#file = start.segment.file;
      this.#pos = start.segment.size;
    }
    if (typeof this.durability === 'object') {
      this.#timer = setInterval(() => {
        if (this.#seq > this.#syncedSeq && !this.#syncing) this.#startSync();
      }, this.durability.everyMs);
      this.#timer.unref();
    }
  }

  /** The tick the next append must carry. */
  get nextTick(): number {
    return this.#nextTick;
  }

  /**
   * The last tick known to be on stable storage (an fsync covering it completed). Ticks recovered
   * at open count as durable.
   */
  get durableTick(): number {
    return this.#durableTick;
  }

  /** The segment being written, if any. */
  get currentFile(): string {
    return this.#file;
  }

  /** Counters since the writer opened. */
  get stats(): LogWriterStats {
    return { ...this.#stats };
  }

  /** Whether a write or fsync failed (see class doc). */
  get failed(): boolean {
    return this.#failed !== undefined;
  }

  /**
   * Appends one framed record for `tick` with one write call (rotating first if the segment is
   * full). Returns once the bytes are in the OS; see {@link whenDurable}.
   * @throws TickspaceError LOG_FAILED on an I/O error, after a previous failure, or out of sequence.
   */
  append(tick: number, framed: Uint8Array): void {
    if (this.#failed !== undefined) throw this.#failed;
    if (this.#closed) throw new TickspaceError('LOG_FAILED', 'the commit log is closed');
    if (tick !== this.#nextTick)
      throw new TickspaceError(
        'LOG_FAILED',
        `log append out of sequence: got tick ${tick}, expected ${this.#nextTick}`,
        { details: { tick } },
      );
    this.#nextTick = tick + 1;
    if (this.#hold !== undefined) {
      this.#held.push({ tick, framed: framed.slice() });
      return;
    }
    this.#write(tick, framed);
  }

  /**
   * Holds every later append in memory until `ready` resolves, then writes them in order: what
   * `ready` writes elsewhere reaches the OS before any of them (a runtime migration's manifest,
   * which names the schema their bytes are encoded with, written off the tick). Holds chain: an
   * append waits for every hold placed before it. `ready` rejecting fails the writer (LOG_FAILED,
   * naming `what`): the held ticks are never written, as after a failed write.
   * @example
   * writer.holdUntil(writeManifestAsync(dir, manifest), 'the manifest of schema version 2');
   */
  holdUntil(ready: Promise<void>, what: string): void {
    if (this.#failed !== undefined) throw this.#failed;
    const hold: Promise<void> = (this.#hold ?? Promise.resolve()).then(() => ready);
    this.#hold = hold;
    hold.then(
      () => {
        if (this.#hold !== hold || this.#failed !== undefined) return;
        this.#hold = undefined;
        try {
          for (const h of this.#held.splice(0)) this.#write(h.tick, h.framed);
        } catch {
          // #write failed the writer: the waiters learn it from #wait.
        }
      },
      (cause: unknown) => {
        if (this.#hold === hold) this.#hold = undefined;
        this.#held = [];
        this.#fail(
          new TickspaceError('LOG_FAILED', `${what} failed; the ticks after it are not written`, {
            cause,
          }),
        );
      },
    );
  }

  /** Resolves once every append so far has reached the OS (undefined: nothing is held). */
  whenWritten(): Promise<void> | undefined {
    return this.#hold === undefined ? undefined : this.#wait(false, false);
  }

  #write(tick: number, framed: Uint8Array): void {
    const started = performance.now();
    if (this.#fd < 0 || (this.#pos + framed.length > this.segmentBytes && this.#pos > SEGMENT_HEADER_BYTES))
      this.#rotate(tick);
    const at = this.#pos;
    try {
      let done = 0;
      while (done < framed.length)
        done += fs.writeSync(this.#fd, framed, done, framed.length - done, at + done);
    } catch (cause) {
      // Leave no partial record behind if the file still accepts a truncate.
      try {
        fs.ftruncateSync(this.#fd, at);
      } catch {}
      throw this.#fail(
        new TickspaceError('LOG_FAILED', `writing tick ${tick} to ${this.#file} at byte ${at} failed`, {
          cause,
          details: { tick, file: this.#file, offset: at },
        }),
      );
    }
    this.#pos = at + framed.length;
    this.#seq++;
    this.#dirty.add(this.#fd);
    this.#listener?.onRecord(tick, at, this.#pos);
    const ms = performance.now() - started;
    const s = this.#stats;
    s.records++;
    s.bytes += framed.length;
    s.appendMsTotal += ms;
    if (ms > s.appendMsMax) s.appendMsMax = ms;
  }

  #rotate(firstTick: number): void {
    if (this.#fd >= 0) this.#closeAfterSync.push(this.#fd);
    const file = path.join(this.logDir, tickFileName(firstTick, SEGMENT_EXT));
    try {
      const fd = fs.openSync(file, 'wx');
      const header = encodeSegmentHeader(firstTick);
      fs.writeSync(fd, header, 0, header.length, 0);
      this.#fd = fd;
    } catch (cause) {
      throw this.#fail(
        new TickspaceError('LOG_FAILED', `cannot create segment ${file}`, { cause, details: { file } }),
      );
    }
    this.#file = file;
    this.#pos = SEGMENT_HEADER_BYTES;
    this.#dirty.add(this.#fd);
    this.#dirDirty = true;
    this.#stats.segments++;
    this.#listener?.onSegment(file, firstTick);
  }

  /**
   * The promise a commit hook returns under the durability policy: resolves once everything
   * appended so far is on stable storage (`'tick'`: the next group fsync; `{ everyMs }`: the next
   * interval fsync), or for `'never'` undefined (once written while appends are held).
   */
  whenDurable(): Promise<void> | undefined {
    // Held appends are not even in the OS yet: a process crash would lose them.
    if (this.durability === 'never') return this.whenWritten();
    return this.#wait(this.durability === 'tick');
  }

  /** Forces an fsync of everything appended so far, whatever the policy. */
  sync(): Promise<void> {
    return this.#wait(true);
  }

  /** Waits for held appends to be written first, then (unless `sync` is false) for their fsync. */
  #wait(startNow: boolean, sync = true): Promise<void> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    // A hold settles after its own handler ran (registered first): the held records are written.
    const hold = this.#hold;
    if (hold !== undefined)
      return hold.then(
        () => this.#wait(startNow, sync),
        () => this.#wait(startNow, sync),
      );
    if (!sync) return Promise.resolve();
    if (this.#seq === this.#syncedSeq && !this.#dirDirty && this.#closeAfterSync.length === 0)
      return Promise.resolve();
    const promise = new Promise<void>((resolve, reject) =>
      this.#waiters.push({ seq: this.#seq, resolve, reject }),
    );
    if (startNow) {
      this.#wantSync = true;
      if (!this.#syncing) this.#startSync();
    }
    return promise;
  }

  #startSync(): void {
    this.#syncing = true;
    this.#wantSync = false;
    const target = this.#seq;
    const targetTick = this.#nextTick - 1;
    const fds = [...this.#dirty];
    this.#dirty.clear();
    const closing = this.#closeAfterSync.splice(0);
    const dir = this.#dirDirty;
    this.#dirDirty = false;
    const started = performance.now();
    const steps: (() => Promise<void>)[] = fds.map((fd) => () => callback((cb) => fs.fdatasync(fd, cb)));
    if (dir) steps.push(() => syncDir(this.logDir));
    const run = async () => {
      for (const step of steps) await step();
      for (const fd of closing) await callback((cb) => fs.close(fd, cb));
    };
    run().then(
      () => {
        const ms = performance.now() - started;
        const s = this.#stats;
        s.fsyncs++;
        s.fsyncMsTotal += ms;
        if (ms > s.fsyncMsMax) s.fsyncMsMax = ms;
        this.#syncedSeq = target;
        this.#durableTick = targetTick;
        this.#syncing = false;
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const w of waiters) {
          if (w.seq <= target) w.resolve();
          else this.#waiters.push(w);
        }
        // Group commit: every tick appended while that fsync ran shares the next one.
        if (this.#wantSync && this.#waiters.length > 0) this.#startSync();
      },
      (cause: unknown) => {
        this.#syncing = false;
        const error = this.#fail(
          new TickspaceError(
            'LOG_FAILED',
            `fsync of the commit log failed; ticks after ${this.#syncedSeq} synced records are not durable`,
            {
              cause,
              details: { file: this.#file },
            },
          ),
        );
        for (const w of this.#waiters.splice(0)) w.reject(error);
      },
    );
  }

  #fail(error: TickspaceError): TickspaceError {
    this.#failed ??= error;
    return this.#failed;
  }

  /** Syncs, then closes every file. Appends after close throw. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    try {
      if (this.#failed === undefined) await this.sync();
    } finally {
      this.#closed = true;
      const fds = new Set([...this.#closeAfterSync.splice(0), ...(this.#fd >= 0 ? [this.#fd] : [])]);
      for (const fd of fds) {
        try {
          fs.closeSync(fd);
        } catch {}
      }
      this.#fd = -1;
    }
  }
}

function callback(fn: (cb: (error: NodeJS.ErrnoException | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((error) => (error ? reject(error) : resolve())));
}

/** fsync of a directory, so that a file created or renamed in it survives a power loss. */
export async function syncDir(dir: string): Promise<void> {
  const fd = await new Promise<number>((resolve, reject) =>
    fs.open(dir, 'r', (e, fd) => (e ? reject(e) : resolve(fd))),
  );
  try {
    await callback((cb) => fs.fsync(fd, cb));
  } finally {
    await callback((cb) => fs.close(fd, cb));
  }
}
