import { execFileSync } from 'node:child_process';

/**
 * Edits to landed migrations, read from git: every commit that modified, renamed or deleted a
 * file under `migrations/` (new files are how schema changes land), and any such change not
 * committed yet. A database that ran a migration never runs it again, so an edited migration
 * means databases that disagree with the code.
 */
export function landedMigrationEdits(repo: string, allowedCommits: ReadonlySet<string>): string[] {
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
  const found: string[] = [];
  let commit = '';
  for (const line of git('log', '--format=commit %H %s', '--diff-filter=MDR', '--name-status', '--', 'migrations').split('\n')) {
    if (line.startsWith('commit ')) commit = line.slice('commit '.length);
    else if (line.trim() && !allowedCommits.has(commit.slice(0, 40))) found.push(`${commit.slice(0, 12)} ${line.replace(/\s+/g, ' ')}`);
  }
  for (const line of git('status', '--porcelain', '--', 'migrations').split('\n')) {
    if (/^( M|M |MM| D|D |R )/.test(line)) found.push(`uncommitted ${line.trim()}`);
  }
  return found;
}
