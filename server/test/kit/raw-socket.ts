import { WebSocket } from 'ws';
import { decodeBatch, SERVER_MESSAGE } from '../../src/protocol';

/** A bare WebSocket client for protocol-level tests: send raw bytes, await frames and the close. */
export interface RawSocket {
  readonly ws: WebSocket;
  send(frame: Uint8Array | string): void;
  /** Resolves with the next server message (messages that arrived earlier are queued; a BATCH is split into its messages unless `unbatch` is false). */
  next(): Promise<Uint8Array>;
  /** WebSocket messages received so far (a BATCH counts once). */
  readonly messageCount: number;
  /** Every frame received so far and not yet taken by `next`. */
  readonly queued: Uint8Array[];
  /** Resolves when the socket closes. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/**
 * Opens a raw socket and resolves once it is open. With `unbatch` false, `next` hands out BATCH
 * frames whole; `localAddress` picks the source address (127.0.0.2 plays another host).
 */
export async function openRawSocket(
  url: string,
  options: { unbatch?: boolean; localAddress?: string } = {},
): Promise<RawSocket> {
  const ws = new WebSocket(url, {
    perMessageDeflate: false,
    ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
  });
  const queued: Uint8Array[] = [];
  const waiters: ((f: Uint8Array) => void)[] = [];
  let messageCount = 0;
  ws.binaryType = 'nodebuffer';
  const take = (f: Uint8Array) => {
    const w = waiters.shift();
    if (w !== undefined) w(f);
    else queued.push(f);
  };
  ws.on('message', (data: Buffer) => {
    messageCount++;
    const f = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (f[0] === SERVER_MESSAGE.BATCH && options.unbatch !== false)
      for (const m of decodeBatch(f, SERVER_MESSAGE.BATCH)) take(m);
    else take(f);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    send: (f) => ws.send(f),
    next: () =>
      queued.length > 0 ? Promise.resolve(queued.shift()!) : new Promise((resolve) => waiters.push(resolve)),
    queued,
    get messageCount() {
      return messageCount;
    },
    closed,
    close: () => ws.close(),
  };
}

/** How the server refused a WebSocket upgrade. */
export interface UpgradeRefusal {
  readonly status: number;
  /** The `x-tickspace-error` header. */
  readonly code: string | undefined;
  /** The `retry-after` header, seconds. */
  readonly retryAfterS: number | undefined;
  readonly body: string;
}

/** Attempts an upgrade from `localAddress` that the server must refuse; rejects if it opens instead. */
export function refusedUpgrade(url: string, localAddress: string): Promise<UpgradeRefusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress });
    ws.on('error', () => {});
    ws.once('open', () => {
      ws.terminate();
      reject(new Error(`the upgrade from ${localAddress} was accepted`));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const retry = res.headers['retry-after'];
        const code = res.headers['x-tickspace-error'];
        resolve({
          status: res.statusCode ?? 0,
          code: typeof code === 'string' ? code : undefined,
          retryAfterS: typeof retry === 'string' ? Number(retry) : undefined,
          body,
        });
      });
    });
  });
}
