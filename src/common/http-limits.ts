/** A connection with no traffic for this long is closed (a slow client cannot hold one forever). */
export const IDLE_TIMEOUT_MS = 30_000;

/**
 * Runs `work` with the connection's idle timeout lifted: for operator requests (a sweep, a
 * ledger verification) that compute for longer than the timeout before answering.
 */
export async function withoutIdleTimeout<T>(request: { raw: { socket?: unknown } }, work: () => Promise<T>): Promise<T> {
  // (Injected test requests have no real socket.)
  const socket = request.raw.socket as { setTimeout?: (ms: number) => unknown } | undefined;
  socket?.setTimeout?.(0);
  try {
    return await work();
  } finally {
    socket?.setTimeout?.(IDLE_TIMEOUT_MS);
  }
}
