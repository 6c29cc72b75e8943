// Worker-thread bootstrap of the threaded runner's bot threads: loads the TypeScript worker through
// tsx's API (a worker does not inherit the parent's TypeScript loader; see networked-worker.mjs).
import { tsImport } from 'tsx/esm/api';

await tsImport('./bot-thread.ts', import.meta.url);
