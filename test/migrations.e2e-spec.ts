import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { landedMigrationEdits } from './support/migration-guard';

/**
 * A landed migration is never edited: a schema change is a new migration. These commits
 * edited migrations before this check existed (their messages say why);
 * nothing may join them.
 */
const EDITED_BEFORE_THE_GUARD = new Set([
  '08873da054f54d70cdf6cf605fe4f747a1bd8929', // CreateLedger: decision rules tested end to end
  '69ab9f3356c8f4b7d445038c13f0160e263b3ee0', // CreateLedger: covering index for decisions
  '0bec9612cbc0d3c630b55e33de7078f238a68dc2', // ConsentLifecycle: sargable sweep claims
  '986439a27d180331bf94e13f6f735fafb5366d02', // ConsentLifecycle: preferences and jurisdictions
  '5011272863941472b0dba0f837aa8ae0f803c68e', // Preferences: frequency caps and sends
  'c457a3d70f455435d7c405953d2a4a1d4ee6c84a', // ConsentLifecycle: row trigger moved to migrations/sql
]);

describe('landed migrations', () => {
  it('are never edited, renamed or deleted, in any commit or in the working tree', () => {
    expect(landedMigrationEdits(resolve(__dirname, '..'), EDITED_BEFORE_THE_GUARD)).toEqual([]);
  });

  it('the check catches an edit, committed or not, and lets new migrations through', () => {
    const repo = mkdtempSync(join(tmpdir(), 'migration-guard-'));
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' });
    git('init', '-q');
    mkdirSync(join(repo, 'migrations'));
    writeFileSync(join(repo, 'migrations', '1-First.ts'), 'first\n');
    git('add', '.');
    git('commit', '-qm', 'first migration');
    writeFileSync(join(repo, 'migrations', '2-Second.ts'), 'second\n');
    git('add', '.');
    git('commit', '-qm', 'a new migration lands');
    expect(landedMigrationEdits(repo, new Set())).toEqual([]);

    writeFileSync(join(repo, 'migrations', '1-First.ts'), 'first, edited\n');
    expect(landedMigrationEdits(repo, new Set())).toEqual(['uncommitted M migrations/1-First.ts']);
    git('commit', '-qam', 'edit a landed migration');
    const edits = landedMigrationEdits(repo, new Set());
    expect(edits).toHaveLength(1);
    expect(edits[0]).toMatch(/^[0-9a-f]{12} M migrations\/1-First\.ts$/);
    const sha = git('rev-parse', 'HEAD').trim();
    expect(landedMigrationEdits(repo, new Set([sha]))).toEqual([]);
  });
});
