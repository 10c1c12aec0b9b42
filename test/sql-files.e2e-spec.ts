import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { renderSqlFiles } from '../src/bin/generate-sql';

const ROOT = resolve(__dirname, '..');

function sqlFilesOnDisk(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sqlFilesOnDisk(path);
    return e.name.endsWith('.repository.sql') ? [relative(ROOT, path)] : [];
  });
}

/**
 * Every statement a repository sends is in the `.sql` file beside it, as sent: reviewers read
 * real SQL there, not the template functions that assemble it.
 */
describe("the repositories' SQL files", () => {
  it('are what `npm run sql` writes (run it after changing a repository)', async () => {
    const files = await renderSqlFiles();
    expect(sqlFilesOnDisk().sort()).toEqual([...files.keys()].sort());
    for (const [path, content] of files) {
      expect({ path, content: readFileSync(join(ROOT, path), 'utf8') }).toEqual({ path, content });
    }
  });

  it('show every public method, and the generator refuses one without an example', async () => {
    const fixture = join(__dirname, 'support', 'sql-fixture', 'widgets.repository.ts');
    await expect(renderSqlFiles([fixture])).rejects.toThrow(
      /without a @GenerateSql example:\n {2}test\/support\/sql-fixture\/widgets\.repository\.ts: WidgetsRepository\.countAll$/,
    );
  });

  it('a statement changed without regenerating the file is caught', async () => {
    const files = await renderSqlFiles();
    const [path, content] = [...files.entries()].find(([p]) => p.endsWith('decision-facts.repository.sql'))!;
    expect(content).toContain('with candidates as (');
    expect(content.replace('limit 1', 'limit 2')).not.toBe(readFileSync(join(ROOT, path), 'utf8'));
  });
});
