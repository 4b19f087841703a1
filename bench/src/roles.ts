import { SqliteEventStore } from '@qms/event-store';
import { verifyStore } from '@qms/audit';
import type { Handlers } from './child';
import { generateHistory } from './history/generate';
import { enterPhase, gcPausesByPhase, memory, pauseProjections, startApi, stopApi, type ApiStartArgs } from './api/api-server';
import { runReadBench, type ReadArgs } from './api/read-api';
import { runAppend, type AppendArgs } from './parts/append';
import { runRebuild, type RebuildArgs } from './parts/rebuild';
import { startProfile, stopProfile } from './phase-profiler';

/** What each kind of child process can be asked to do. */
export function handlersFor(role: string): Handlers {
  switch (role) {
    case 'history':
      return {
        generate: async (args: { scale: number; seed: string }) =>
          generateHistory({ ...args, onProgress: (message) => process.stderr.write(`${message}\n`) }),
        verify: async (args: { path: string }) => {
          const store = SqliteEventStore.open(args.path);
          try {
            const started = performance.now();
            const summary = await verifyStore(store, { pageSize: 5_000 });
            return { ...summary, seconds: (performance.now() - started) / 1000 };
          } finally {
            await store.close();
          }
        },
      };
    case 'append':
      return { run: (args: AppendArgs) => runAppend(args) };
    case 'rebuild':
      return { run: (args: RebuildArgs) => runRebuild(args) };
    case 'api':
      return {
        start: (args: ApiStartArgs) => startApi(args),
        read: (args: ReadArgs) => runReadBench(args),
        memory: async () => memory(),
        stop: () => stopApi(),
        pauseProjections: () => pauseProjections(),
        phase: async (args: { phase: string }) => enterPhase(args.phase),
        gcPauses: async () => gcPausesByPhase(),
        profileStart: () => startProfile(),
        profileStop: (args: { path: string }) => stopProfile(args),
      };
    default:
      throw new Error(`unknown child role ${role}`);
  }
}
