// Worker-thread bootstrap: loads the TypeScript worker through tsx's API, because a worker does not
// inherit the parent's TypeScript loader (tsx or vitest) and `--import tsx` in a worker's execArgv
// is not honoured by Node 20.
import { tsImport } from 'tsx/esm/api';

await tsImport('./networked-worker.ts', import.meta.url);
