import type { Handlers } from './child';
import type { ApiStartArgs } from './api/api-server';
import type { ReadArgs } from './api/read-api';
import type { AppendArgs } from './parts/append';
import type { RebuildArgs } from './parts/rebuild';

/**
 * What each kind of child process can be asked to do. Each role imports only its own modules: the
 * API's process must hold what `npm start`'s holds, not the MongoDB driver of the rebuild part or
 * the load generator of the HTTP part, since its memory is one of the figures.
 */
export function handlersFor(role: string): Handlers {
  switch (role) {
    case 'history':
      return {
        generate: async (args: { scale: number; seed: string }) =>
          (await import('./history/generate')).generateHistory({ ...args, onProgress: (message) => process.stderr.write(`${message}\n`) }),
        verify: async (args: { path: string }) => {
          const [{ SqliteEventStore }, { verifyStore }] = await Promise.all([import('@qms/event-store'), import('@qms/audit')]);
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
      return { run: async (args: AppendArgs) => (await import('./parts/append')).runAppend(args) };
    case 'rebuild':
      return { run: async (args: RebuildArgs) => (await import('./parts/rebuild')).runRebuild(args) };
    case 'api': {
      const server = () => import('./api/api-server');
      const profiler = () => import('./phase-profiler');
      return {
        start: async (args: ApiStartArgs) => (await server()).startApi(args),
        read: async (args: ReadArgs) => (await import('./api/read-api')).runReadBench(args),
        memory: async () => (await server()).memory(),
        stop: async () => (await server()).stopApi(),
        pauseProjections: async () => (await server()).pauseProjections(),
        settleProjections: async () => (await server()).settleProjections(),
        phase: async (args: { phase: string }) => (await server()).enterPhase(args.phase),
        gcPauses: async () => (await server()).gcPausesByPhase(),
        profileStart: async () => (await profiler()).startProfile(),
        profileStop: async (args: { path: string }) => (await profiler()).stopProfile(args),
      };
    }
    default:
      throw new Error(`unknown child role ${role}`);
  }
}
