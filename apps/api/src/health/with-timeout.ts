export type DependencyCheck = { readonly status: 'up' } | { readonly status: 'down'; readonly reason: string } | ({ readonly status: 'up' | 'down' } & Record<string, unknown>);

/** Runs a dependency's check, counting it down when it fails or does not answer within `timeoutMs`. */
export async function withTimeout(check: () => Promise<unknown>, timeoutMs: number): Promise<DependencyCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<DependencyCheck>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'down', reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const answered = check().then(
    (): DependencyCheck => ({ status: 'up' }),
    (error: unknown): DependencyCheck => ({ status: 'down', reason: (error as Error).message }),
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
