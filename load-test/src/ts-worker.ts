import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running a TypeScript file. Node 20 workers do not inherit tsx's loader
 * from `--import`, so a two-line bootstrap registers it inside the worker first.
 * @example
 * const worker = startTsWorker(new URL('./driver-worker.ts', import.meta.url), config);
 */
export function startTsWorker(file: URL, workerData: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(file.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData });
}

/** Resolves with the first message from `worker` that `accept` takes, or undefined after `timeoutMs`. */
export function nextMessage<M, R>(
  worker: Worker,
  accept: (message: M) => R | undefined,
  timeoutMs: number,
): Promise<R | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      resolve(undefined);
    }, timeoutMs);
    const onError = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      resolve(undefined);
    };
    const onMessage = (message: M) => {
      const result = accept(message);
      if (result === undefined) return;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      resolve(result);
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
  });
}
