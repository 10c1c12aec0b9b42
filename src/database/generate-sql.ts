/**
 * Examples of repository calls, from which `npm run sql` writes every statement a repository
 * sends, as it is sent, to a committed `.sql` file beside it (src/bin/generate-sql.ts; a test
 * fails when one is stale). Statements assembled from template functions are unreadable in the
 * code; reviewers read them there. The decorator only stores its examples: no effect at run time.
 */
import 'reflect-metadata';

export interface SqlExample {
  /** Which shape of the call this is, when a method has several ("one recipient", "a batch"). */
  name?: string;
  /** The method's arguments. */
  params: unknown[];
  /**
   * Rows each statement answers, in order (default: one row whose every field is null), for
   * methods whose later statements depend on earlier results.
   */
  results?: unknown[][];
}

const EXAMPLES = Symbol('sql-examples');

export function GenerateSql(...examples: SqlExample[]): MethodDecorator {
  return (target, property) => Reflect.defineMetadata(EXAMPLES, examples, target, property);
}

export function sqlExamples(prototype: object, method: string): SqlExample[] | undefined {
  return Reflect.getMetadata(EXAMPLES, prototype, method) as SqlExample[] | undefined;
}

/** In an example's params: the read snapshot the call takes (the generator passes its recorder). */
export const SNAPSHOT = Symbol('read snapshot');
