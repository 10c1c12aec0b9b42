import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'dist' ? [] : files(path, ext);
    return ext.test(e.name) ? [path] : [];
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The project's documents are its own: every reference resolves inside the repository. */
describe('documentation', () => {
  const sources = [
    ...files(join(ROOT, 'src'), /\.ts$/),
    ...files(join(ROOT, 'test'), /\.ts$/),
    ...files(join(ROOT, 'bench'), /\.(ts|md)$/),
    ...files(join(ROOT, 'clients'), /\.(ts|md)$/),
    join(ROOT, 'README.md'),
  ];

  it('every citation of docs/domain.md names one of its sections', () => {
    const sections = new Set([...readFileSync(join(ROOT, 'docs', 'domain.md'), 'utf8').matchAll(/^## (\d+)\. /gm)].map((m) => m[1]));
    const unresolved: string[] = [];
    let cited = 0;
    for (const file of sources) {
      for (const m of readFileSync(file, 'utf8').matchAll(/docs\/domain\.md §(\d+)/g)) {
        cited++;
        if (!sections.has(m[1])) unresolved.push(`${relative(ROOT, file)}: §${m[1]}`);
      }
    }
    expect(unresolved).toEqual([]);
    expect(cited).toBeGreaterThan(10);
  });

  it('nothing refers to a document outside the repository', () => {
    const outside = sources.filter((f) => f !== __filename && /\bDOMAIN\.md\b/.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    expect(outside).toEqual([]);
  });

  it.each(['README.md', 'bench/README.md', 'docs/domain.md', 'clients/typescript/README.md'])('the links of %s lead somewhere', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const anchors = new Set([...text.matchAll(/^#{1,4} (.+)$/gm)].map((m) => anchor(m[1])));
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^https?:/.test(target)) continue;
      if (target.startsWith('#')) {
        if (!anchors.has(target.slice(1))) broken.push(target);
      } else if (!existsSync(join(dirname(join(ROOT, doc)), target.split('#')[0]))) {
        broken.push(target);
      }
    }
    expect(broken).toEqual([]);
  });

  it.each(['README.md', 'bench/README.md', 'clients/typescript/README.md'])('every file %s names exists', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const missing = [...text.matchAll(/`((?:src|test|migrations|bench|docs|clients|examples)\/[^`\s]+?)`/g)]
      .map((m) => m[1])
      .filter((p) => !existsSync(join(ROOT, p)) && !existsSync(join(dirname(join(ROOT, doc)), p)));
    expect(missing).toEqual([]);
  });
});
