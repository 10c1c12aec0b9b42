/**
 * `npm run sql`: writes, beside every repository (src/<feature>/<name>.repository.ts), a
 * `<name>.repository.sql` holding every statement it sends, as sent, one per @GenerateSql
 * example of each public method. The repositories run against a recorder standing in for
 * the database (nothing is executed: the e2e tests run every statement on PostgreSQL).
 * test/sql-files.e2e-spec.ts fails when a file is stale or a public method has no example.
 */
import 'reflect-metadata';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import type { Db } from '../database/db';
import { SNAPSHOT, sqlExamples } from '../database/generate-sql';

const ROOT = resolve(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

interface Sent {
  sql: string;
  params: unknown[];
  name?: string;
}

/** One row whose every field is null: what a statement answers unless an example says otherwise. */
const NULL_ROW: unknown = new Proxy({}, { get: (_target, key) => (typeof key === 'string' && key !== 'then' ? null : undefined) });

/** Stands in for Db and for a ReadSnapshot: records each statement and answers the example's rows. */
class Recorder {
  readonly sent: Sent[] = [];

  constructor(private readonly results: unknown[][] = []) {}

  private answer(): unknown[] {
    return this.results.length ? this.results.shift()! : [NULL_ROW];
  }

  query = (sql: string, params: unknown[] = [], name?: string): Promise<unknown[]> => {
    this.sent.push({ sql, params, name });
    return Promise.resolve(this.answer());
  };

  cursor = (sql: string, params: unknown[]): AsyncGenerator<unknown[]> => {
    this.sent.push({ sql, params });
    return (async function* () {})();
  };

  transaction = <T>(work: () => Promise<T>): Promise<T> => work();
  close = (): Promise<void> => Promise.resolve();
}

/** Public methods of the classes of a file, in source order (private and protected ones are helpers). */
function publicMethods(file: string): Map<string, string[]> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out = new Map<string, string[]>();
  source.forEachChild((node) => {
    if (!ts.isClassDeclaration(node) || !node.name || !node.name.text.endsWith('Repository')) return;
    const methods: string[] = [];
    for (const member of node.members) {
      if (!ts.isMethodDeclaration(member) || !ts.isIdentifier(member.name)) continue;
      const hidden = ts
        .getModifiers(member)
        ?.some((m) => [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.StaticKeyword].includes(m.kind));
      if (!hidden) methods.push(member.name.text);
    }
    out.set(node.name.text, methods);
  });
  return out;
}

function repositoryFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return repositoryFiles(path);
    return entry.name.endsWith('.repository.ts') ? [path] : [];
  });
}

/** A value as an SQL reader would write it. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (Array.isArray(value) && value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v) || v instanceof Date)) {
    return `{${value.map((v) => (v === null ? 'NULL' : v instanceof Date ? v.toISOString() : JSON.stringify(v))).join(',')}}`;
  }
  return `'${JSON.stringify(value).replace(/'/g, "''")}'`;
}

/** The statement without the indentation of the code it was written in. */
function dedent(sql: string): string {
  const lines = sql
    .replace(/\s+$/, '')
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''));
  while (lines.length && lines[0].trim() === '') lines.shift();
  const rest = lines.slice(1).filter((l) => l.trim() !== '');
  const indent = Math.min(...rest.map((l) => l.length - l.trimStart().length), Infinity);
  return [lines[0].trim(), ...lines.slice(1).map((l) => l.slice(Number.isFinite(indent) ? indent : 0))].filter((l) => l.trim() !== '').join('\n');
}

async function run(Repository: new (db: Db) => object, method: string, params: unknown[], results?: unknown[][]): Promise<Sent[]> {
  const recorder = new Recorder(results ? results.map((r) => [...r]) : undefined);
  const repository = new Repository(recorder as unknown as Db) as Record<string, (...args: unknown[]) => unknown>;
  const args = params.map((p) => (p === SNAPSHOT ? recorder : p));
  try {
    const out = await repository[method](...args);
    if (out && typeof out === 'object' && Symbol.asyncIterator in out) for await (const _ of out as AsyncIterable<unknown>) void _;
  } catch {
    // Example rows are nulls: code after the last statement may trip on them. What was sent is what counts.
  }
  return recorder.sent;
}

/**
 * Every repository's SQL file: path (relative to the project) → content. Throws when a public
 * method has no example. `repositories`: the files to read (default: every *.repository.ts in src).
 */
export async function renderSqlFiles(repositories = repositoryFiles().sort()): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const missing: string[] = [];
  for (const file of repositories) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(file) as Record<string, new (db: Db) => object>;
    const sections: string[] = [];
    for (const [className, methods] of publicMethods(file)) {
      const Repository = exported[className];
      for (const method of methods) {
        const examples = sqlExamples(Repository.prototype as object, method);
        if (!examples?.length) {
          missing.push(`${relative(ROOT, file)}: ${className}.${method}`);
          continue;
        }
        for (const example of examples) {
          const sent = await run(Repository, method, example.params, example.results);
          if (!sent.length) missing.push(`${relative(ROOT, file)}: ${className}.${method}${example.name ? ` (${example.name})` : ''} sent no statement`);
          for (const [i, s] of sent.entries()) {
            const title = `${className}.${method}${example.name ? ` (${example.name})` : ''}${sent.length > 1 ? `, statement ${i + 1} of ${sent.length}` : ''}`;
            const lines = [`-- ${title}`];
            if (s.name) lines.push(`-- prepared statement "${s.name}"`);
            s.params.forEach((p, n) => lines.push(`-- $${n + 1} = ${literal(p)}`));
            lines.push(`${dedent(s.sql)};`);
            sections.push(lines.join('\n'));
          }
        }
      }
    }
    const header = [
      `-- Generated by \`npm run sql\` from the @GenerateSql examples in ${relative(ROOT, file)}: do not edit.`,
      "-- Every statement the repository sends, as sent; the values of $n are the example's.",
    ].join('\n');
    files.set(relative(ROOT, file).replace(/\.ts$/, '.sql'), `${header}\n\n${sections.join('\n\n')}\n`);
  }
  if (missing.length) throw new Error(`Repository methods without a @GenerateSql example:\n  ${missing.join('\n  ')}`);
  return files;
}

if (require.main === module) {
  renderSqlFiles().then(
    (files) => {
      for (const [path, content] of files) writeFileSync(join(ROOT, path), content);
      console.log(`wrote ${files.size} files`);
    },
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
