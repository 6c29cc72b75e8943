import { WebSocket } from 'ws';

/** A bare WebSocket client for protocol-level tests: send raw bytes, await frames and the close. */
export interface RawSocket {
  readonly ws: WebSocket;
  send(frame: Uint8Array | string): void;
  /** Resolves with the next binary frame (frames that arrived earlier are queued). */
  next(): Promise<Uint8Array>;
  /** Every frame received so far and not yet taken by `next`. */
  readonly queued: Uint8Array[];
  /** Resolves when the socket closes. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Opens a raw socket and resolves once it is open. */
export async function openRawSocket(url: string): Promise<RawSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const queued: Uint8Array[] = [];
  const waiters: ((f: Uint8Array) => void)[] = [];
  ws.binaryType = 'nodebuffer';
  ws.on('message', (data: Buffer) => {
    const f = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const w = waiters.shift();
    if (w !== undefined) w(f);
    else queued.push(f);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    send: (f) => ws.send(f),
    next: () => (queued.length > 0 ? Promise.resolve(queued.shift()!) : new Promise((resolve) => waiters.push(resolve))),
    queued,
    closed,
    close: () => ws.close(),
  };
}
