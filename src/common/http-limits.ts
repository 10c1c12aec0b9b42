/** A connection with no traffic for this long is closed (a slow client cannot hold one forever). */
export const IDLE_TIMEOUT_MS = 30_000;
