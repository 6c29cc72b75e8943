import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A TCP proxy between one process and a server that the test can cut off and restore, as a network partition would. */
export interface CutProxy {
  /** `nats://127.0.0.1:<port>` of the proxy. */
  readonly url: string;
  /** Links opened through the proxy so far (accepted while not cut). */
  readonly links: number;
  /** Where links go from now on (the broker's port, once the broker is up). */
  target(port: number): void;
  /** Destroys every open link and refuses new ones (each accepted socket is destroyed at once) until {@link CutProxy.restore}. */
  cut(): void;
  /** New links go through again. */
  restore(): void;
  close(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1 (port 0); links go to the port last given to {@link CutProxy.target}.
 * @example
 * const proxy = await startCutProxy();
 * proxy.target(broker.port);
 * proxy.cut(); proxy.restore();
 */
export async function startCutProxy(): Promise<CutProxy> {
  const open = new Set<Socket>();
  let targetPort = 0;
  let isCut = false;
  let links = 0;
  const server = createServer((client) => {
    if (isCut || targetPort === 0) {
      client.destroy();
      return;
    }
    links++;
    const upstream = connect(targetPort, '127.0.0.1');
    open.add(client).add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `nats://127.0.0.1:${port}`,
    get links() {
      return links;
    },
    target(p) {
      targetPort = p;
    },
    cut() {
      isCut = true;
      for (const s of [...open]) s.destroy();
      open.clear();
    },
    restore() {
      isCut = false;
    },
    async close() {
      isCut = true;
      for (const s of [...open]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
