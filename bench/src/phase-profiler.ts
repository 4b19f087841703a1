import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * CPU profiles of chosen phases of a long-lived child (the API process: start-up, the read
 * benchmark, each HTTP load), so that each measurement gets its own profile.
 */
let session: Session | undefined;

export async function startProfile(): Promise<void> {
  if (session !== undefined) throw new Error('a profile is already running');
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
}

export async function stopProfile(args: { path: string }): Promise<void> {
  if (session === undefined) throw new Error('no profile is running');
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  session = undefined;
  writeFileSync(args.path, JSON.stringify(profile));
}
