/**
 * Settles with `work`, or rejects with `onTimeout()` after `ms`: the fail-closed bound that
 * decisions and the readiness probe put on the database (the query itself is cancelled later
 * by statement_timeout).
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
