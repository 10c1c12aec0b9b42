/**
 * `npm run audit:verify` — for compliance staff without HTTP access.
 *
 *   npm run audit:verify                                  the whole ledger, in the database
 *   npm run audit:verify -- --from-block 10 --to-block 20 a range (the chain is always checked)
 *   npm run audit:verify -- --known-blocks N --known-root R  and it still contains a head you wrote down
 *   npm run audit:verify -- --file export.ndjson          an export file, offline (no database)
 *   npm run audit:verify -- --file export.csv --proof proof.json
 *   ... --file F --head-blocks N --head-root R            and its proof ends at the head you published
 *   npm run audit:verify -- --receipt receipt.json        a consent receipt, offline (--head-blocks/--head-root too)
 *
 * The database mode uses DATABASE_URL (or starts the embedded server, which must not be running
 * already: while the service runs on it, pass its URL, postgres://postgres:postgres@127.0.0.1:54329/consent).
 * Prints a JSON verdict; exits 0 when it holds, 1 when something was altered, 2 on bad usage.
 * In a container: node dist/bin/audit-verify.js with the same arguments.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { NestFactory } from '@nestjs/core';
import { parse as parseCsv } from 'csv-parse';
import { AppModule } from '../app.module';
import { LedgerService } from '../ledger/ledger.service';
import { SystemEvents } from '../ledger/system-events';
import { ExportProof, rowFromFields } from '../audit/export-format';
import { ExportVerdict, ExportVerifier } from '../audit/export-verifier';
import { ConsentReceipt, verifyReceipt } from '../audit/receipt';
import { ProofVerdict } from '../ledger/entry-proof';
import { ConfigError, loadConfig } from '../config/app-config';
import { resolveDatabase } from '../database/resolve-database';

class UsageError extends Error {}

function options(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!flag.startsWith('--') || argv[i + 1] === undefined) throw new UsageError(`expected --flag value pairs, got "${flag}"`);
    out[flag.slice(2)] = argv[++i];
  }
  const known = ['file', 'receipt', 'proof', 'head-blocks', 'head-root', 'from-block', 'to-block', 'known-blocks', 'known-root'];
  for (const k of Object.keys(out)) if (!known.includes(k)) throw new UsageError(`unknown option --${k} (options: ${known.map((o) => `--${o}`).join(', ')})`);
  return out;
}

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,15}$/.test(value)) throw new UsageError(`--${name} must be a positive integer`);
  return Number(value);
}

async function* ndjsonRecords(path: string): AsyncGenerator<Record<string, unknown>> {
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    if (line.trim() !== '') yield JSON.parse(line) as Record<string, unknown>;
  }
}

/** Offline: the file (and for CSV, its proof) alone; memory stays flat with the file's size. */
export async function verifyFile(
  path: string,
  proofPath: string | undefined,
  published?: { blocks: number; root: string },
): Promise<ExportVerdict & { publishedHead?: string }> {
  const csv = !path.endsWith('.ndjson') && !path.endsWith('.jsonl') && (path.endsWith('.csv') || proofPath !== undefined);
  let proof: ExportProof | undefined;
  if (proofPath) proof = JSON.parse(await readFile(proofPath, 'utf8')) as ExportProof;
  if (!csv) {
    // The proof is the file's last line: read once to find it, then verify in a second pass.
    for await (const record of ndjsonRecords(path)) if ('proof' in record) proof = record.proof as ExportProof;
  }
  if (!proof)
    throw new UsageError(csv ? 'a CSV export needs --proof (GET /v1/audit/exports/{id}/proof)' : 'the file has no proof line: the export was cut short');
  const verifier = new ExportVerifier(proof);
  const rows: AsyncIterable<Record<string, unknown>> = csv
    ? createReadStream(path).pipe(parseCsv({ columns: true, skip_empty_lines: true }))
    : ndjsonRecords(path);
  for await (const record of rows) {
    if ('proof' in record && !('seq' in record)) continue;
    if (!verifier.add(rowFromFields(record))) break;
  }
  const verdict = verifier.finish();
  if (!published) return verdict;
  if (published.blocks === proof.head.blocks && published.root === proof.head.ledgerRoot) return { ...verdict, publishedHead: 'matches' };
  return {
    ...verdict,
    ok: false,
    failure: verdict.failure ?? {
      problem:
        published.blocks === proof.head.blocks
          ? "the proof's head differs from the head you published: the ledger was rewritten, or the file forged"
          : `the file is proven against a head of ${proof.head.blocks} blocks, you published one of ${published.blocks}: export again with headBlocks=${published.blocks}`,
    },
  };
}

/** Offline: a consent receipt's proof recomputed from its entry, and its statements checked against the entry. */
export async function verifyReceiptFile(path: string, published?: { blocks: number; root: string }): Promise<ProofVerdict> {
  let receipt: ConsentReceipt;
  try {
    receipt = JSON.parse(await readFile(path, 'utf8')) as ConsentReceipt;
  } catch (error) {
    throw new UsageError(`${path} is not a JSON file: ${(error as Error).message}`);
  }
  return verifyReceipt(receipt, (data) => createHash('sha256').update(data).digest(), published && { blocks: published.blocks, ledgerRoot: published.root });
}

async function verifyDatabase(o: Record<string, string>): Promise<{ ok: boolean }> {
  const { config, embedded } = await resolveDatabase({ ...loadConfig(), migrationsRun: false });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { schedule: false }), { logger: ['error'] });
  try {
    const knownBlocks = positive(o['known-blocks'], 'known-blocks');
    if ((knownBlocks === undefined) !== (o['known-root'] === undefined)) throw new UsageError('--known-blocks and --known-root go together');
    const result = await app.get(LedgerService).verify({
      fromBlock: positive(o['from-block'], 'from-block'),
      toBlock: positive(o['to-block'], 'to-block'),
      known: knownBlocks ? { blocks: knownBlocks, ledgerRoot: o['known-root'] } : undefined,
    });
    await app.get(SystemEvents).record('audit.verified', `cli:${userInfo().username}`, null, { ok: result.ok, events: result.events, blocks: result.blocks });
    return result;
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

if (require.main === module) {
  (async () => {
    const o = options(process.argv.slice(2));
    const headBlocks = positive(o['head-blocks'], 'head-blocks');
    if ((headBlocks === undefined) !== (o['head-root'] === undefined)) throw new UsageError('--head-blocks and --head-root go together');
    const published = headBlocks ? { blocks: headBlocks, root: o['head-root'] } : undefined;
    if (o.file && o.receipt) throw new UsageError('--file and --receipt: one at a time');
    const result = o.receipt ? await verifyReceiptFile(o.receipt, published) : o.file ? await verifyFile(o.file, o.proof, published) : await verifyDatabase(o);
    console.log(JSON.stringify(result, null, 2));
    process.exitCode = result.ok ? 0 : 1;
  })().catch((error: unknown) => {
    console.error(error instanceof UsageError || error instanceof ConfigError ? error.message : error);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
}
