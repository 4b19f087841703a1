import type { CliIo } from '../cli-io';

/** The CLI's output streams kept in memory, for a spec to read what a command said. */
export function capturedIo(env: Record<string, string> = {}): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env,
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
