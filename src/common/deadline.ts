/**
 * Settles with `work`, or rejects with `onTimeout()` after `ms`: the fail-closed bound that
 * decisions and the readiness probe put on the database (the query itself is cancelled later
 * by statement_timeout). One promise and one timer; no async function or Promise.race, which
 * add promises on the path of every decision.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the work's own rejection, passed on as it is
        reject(error);
      },
    );
  });
}
