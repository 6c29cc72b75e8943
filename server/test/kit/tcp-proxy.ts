import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

/** A TCP proxy in front of a server whose links the test can stall, as a dead network would. */
export interface TcpProxy {
  readonly port: number;
  /** Links opened through the proxy so far. */
  readonly links: number;
  /** Every link open now stops carrying bytes both ways (nothing is closed); later links work. */
  stall(): void;
  close(): Promise<void>;
}

/**
 * Starts a TCP proxy on 127.0.0.1 (port 0) to `targetPort`.
 * @example
 * const proxy = await startTcpProxy(server.port);
 * const conn = await connect({ url: `ws://127.0.0.1:${proxy.port}/ws`, WebSocket });
 * proxy.stall(); // the SDK now hears nothing
 */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const stalled: Socket[] = [];
  let links = 0;
  const server = createServer((client) => {
    links++;
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get links() {
      return links;
    },
    stall() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        stalled.push(client, upstream);
      }
      pairs.clear();
    },
    async close() {
      server.close();
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      for (const s of stalled) s.destroy();
    },
  };
}
