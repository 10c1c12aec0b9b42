/**
 * "The newest event wins" in SQL, written once: by when it happened, then (a tie) by when it was
 * recorded, then by its ledger id. The decision rules say the same in TypeScript
 * (src/decisions/decision.rules.ts, `newestFirst`); the consent_lifecycle trigger
 * (migrations/1764210000000-StatementLevelPublish.ts) orders the same way.
 */

/** ORDER BY terms, newest first, for events aliased `alias` (or unaliased). */
export const NEWEST_FIRST = (alias?: string): string => {
  const a = alias ? `${alias}.` : '';
  return `${a}occurred_at desc, ${a}recorded_at desc, ${a}id desc`;
};

/** Whether event `a` is newer than event `b` (a boolean SQL expression). */
export const NEWER = (a: string, b: string): string => `(${a}.occurred_at, ${a}.recorded_at, ${a}.id) > (${b}.occurred_at, ${b}.recorded_at, ${b}.id)`;
