import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { BATCH_LIMIT } from '../clients/typescript/src/client';
import { OPENAPI_PATH, renderOpenApi } from '../src/bin/generate-openapi';

describe('openapi.yaml', () => {
  it('is what the code generates (run `npm run openapi` after changing a controller or DTO)', async () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(await renderOpenApi());
  });

  it('describes every /v1 operation with bearer auth, but the Twilio webhook with its signature', () => {
    const doc = parse(readFileSync(OPENAPI_PATH, 'utf8'));
    const operations = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    expect(operations.length).toBeGreaterThanOrEqual(12);
    for (const { path, op } of operations) {
      expect([path, op.security]).toEqual([path, path === '/v1/inbound/twilio' ? [{ twilioSignature: [] }] : [{ bearer: [] }]]);
    }
  });

  describe('the typed client (clients/typescript)', () => {
    const root = resolve(__dirname, '..');
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'client-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const run = (command: string) =>
      execFileSync('sh', ['-c', command], {
        cwd: root,
        env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` },
        stdio: 'pipe',
      });

    it('has the types openapi-typescript generates from openapi.yaml (run `npm run openapi` after changing the API)', () => {
      const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.client;
      const out = join(dir, 'schema.ts');
      run(script.replace('clients/typescript/src/schema.ts', out));
      expect(readFileSync(join(root, 'clients/typescript/src/schema.ts'), 'utf8')).toBe(readFileSync(out, 'utf8'));
    });

    it("splits batches at the spec's own limit", () => {
      const doc = parse(readFileSync(OPENAPI_PATH, 'utf8'));
      expect(doc.components.schemas.BatchDecisionRequestDto.properties.recipients.maxItems).toBe(BATCH_LIMIT);
    });

    it('builds as a package (its own build script), and the build loads', async () => {
      run('tsc -p clients/typescript/tsconfig.build.json');
      const built = (await import(join(root, 'clients/typescript/dist/index.js'))) as typeof import('../clients/typescript/src');
      expect(typeof built.createConsentClient).toBe('function');
      expect(typeof built.importFile).toBe('function');
      expect(readFileSync(join(root, 'clients/typescript/dist/index.d.ts'), 'utf8')).toContain('./client');
    });
  });
});
