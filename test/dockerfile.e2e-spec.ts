import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The image as a reviewer would read it (no Docker engine runs where the tests do): the
 * runtime stage runs as an unprivileged user that can read the application but not change it.
 */
describe('Dockerfile', () => {
  const text = readFileSync(resolve(__dirname, '..', 'Dockerfile'), 'utf8');
  const runtime = text.slice(text.lastIndexOf('\nFROM '));

  it('runs as node, with the code owned by root', () => {
    expect(runtime).toMatch(/^USER node$/m);
    const copies = runtime.split('\n').filter((line) => /^COPY\b/.test(line));
    expect(copies.length).toBeGreaterThan(0);
    for (const line of copies) expect(line).not.toMatch(/--chown|--chmod=[0-7]*[2367][0-7]*\b/);
    expect(runtime).not.toMatch(/\bchown\b|\bchmod\b/);
  });

  it('runs in production mode, which requires PSEUDONYM_KEY', () => {
    expect(runtime).toMatch(/^ENV NODE_ENV=production\b/m);
  });
});
