/**
 * Imports a file of consent events through POST /v1/imports, with a progress bar.
 *
 *   npm run import -- optouts.csv [--url http://localhost:3000] [--key csk_...]
 *       [--channel sms] [--action opt_out|opt_in] [--campaign promo] [--occurred-at 2026-01-01T00:00:00Z]
 *       [--format csv|ndjson] [--idempotency-key K]
 *
 * The key defaults to CONSENT_API_KEY (else ADMIN_API_KEY), the URL to CONSENT_URL (else
 * http://localhost:$PORT). The Idempotency-Key defaults to one derived from the file's content:
 * running the command again after an interruption resumes the import, and after a success
 * writes nothing. Exit status: 0 completed, 1 failed or refused, 2 bad usage.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

interface Options {
  file: string;
  url: string;
  key: string;
  query: URLSearchParams;
  format: 'csv' | 'ndjson';
  idempotencyKey?: string;
}

const FLAGS: Record<string, string> = { '--channel': 'channel', '--action': 'action', '--campaign': 'campaignId', '--occurred-at': 'occurredAt' };

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): Options {
  const query = new URLSearchParams();
  let file: string | undefined;
  let url = env.CONSENT_URL ?? `http://localhost:${env.PORT ?? 3000}`;
  let key = env.CONSENT_API_KEY ?? env.ADMIN_API_KEY;
  let format: string | undefined;
  let idempotencyKey: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (FLAGS[arg]) query.set(FLAGS[arg], value());
    else if (arg === '--url') url = value();
    else if (arg === '--key') key = value();
    else if (arg === '--format') format = value();
    else if (arg === '--idempotency-key') idempotencyKey = value();
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (file === undefined) file = arg;
    else throw new UsageError(`one file at a time (got ${file} and ${arg})`);
  }
  if (!file) throw new UsageError('name the file to import');
  if (!key) throw new UsageError('no API key: pass --key or set CONSENT_API_KEY');
  format ??= /\.(ndjson|jsonl)$/i.test(file) ? 'ndjson' : 'csv';
  if (format !== 'csv' && format !== 'ndjson') throw new UsageError('--format is csv or ndjson');
  return { file, url: url.replace(/\/$/, ''), key, query, format, idempotencyKey };
}

class UsageError extends Error {}

/** Same file (and same defaults): same key, so a second run resumes or replays. */
async function contentKey(file: string, query: URLSearchParams): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return `import-${hash.digest('hex').slice(0, 48)}-${createHash('sha256').update(query.toString()).digest('hex').slice(0, 8)}`;
}

function bar(sent: number, total: number, rows: number | null, started: number): string {
  const share = total ? sent / total : 1;
  const width = 30;
  const filled = Math.round(share * width);
  const seconds = (Date.now() - started) / 1000;
  const rate = rows !== null && seconds > 0 ? ` ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s` : '';
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${(sent / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB` +
    `${rows !== null ? `  ${rows.toLocaleString('en-US')} rows committed` : ''}${rate}  ${seconds.toFixed(0)} s`
  );
}

function call(url: URL, options: { method: string; headers: Record<string, string> }): ReturnType<typeof httpRequest> {
  return (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options);
}

async function readBody(res: IncomingMessage): Promise<string> {
  let body = '';
  res.setEncoding('utf8');
  for await (const chunk of res) body += chunk;
  return body;
}

export async function runImport(o: Options, log: (line: string, final?: boolean) => void): Promise<{ status: number; body: Record<string, unknown> }> {
  const key = o.idempotencyKey ?? (await contentKey(o.file, o.query));
  const total = statSync(o.file).size;
  const started = Date.now();
  let sent = 0;
  let rows: number | null = null;
  const auth = { authorization: `Bearer ${o.key}` };
  // Rows committed so far, from the service (the upload runs at the pace of the writes).
  const poll = setInterval(() => {
    const req = call(new URL(`${o.url}/v1/imports?idempotencyKey=${encodeURIComponent(key)}&limit=1`), { method: 'GET', headers: auth });
    req.on('response', async (res) => {
      const text = await readBody(res).catch(() => '');
      try {
        const [current] = JSON.parse(text) as { rowsRead: number }[];
        if (current) rows = current.rowsRead;
      } catch {
        /* progress is best effort */
      }
    });
    req.on('error', () => undefined);
    req.end();
  }, 1000);
  const draw = setInterval(() => log(bar(sent, total, rows, started)), 250);
  try {
    const url = new URL(`${o.url}/v1/imports?${o.query.toString()}`);
    const req = call(url, {
      method: 'POST',
      headers: { ...auth, 'content-type': o.format === 'csv' ? 'text/csv' : 'application/x-ndjson', 'content-length': String(total), 'idempotency-key': key },
    });
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
    });
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sent += chunk.length;
        callback(null, chunk);
      },
    });
    const upload = pipeline(createReadStream(o.file), counter, req).catch(() => undefined); // a refusal can end the upload early
    const res = await response;
    const text = await readBody(res);
    await upload;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { detail: text };
    }
    if (typeof body.rowsRead === 'number') rows = body.rowsRead;
    log(bar(sent, total, rows, started), true);
    return { status: res.statusCode ?? 0, body };
  } finally {
    clearInterval(poll);
    clearInterval(draw);
  }
}

if (require.main === module) {
  (async () => {
    let options: Options;
    try {
      options = parseArgs(process.argv.slice(2), process.env);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(
        `import: ${error.message}\nusage: npm run import -- FILE [--url URL] [--key KEY] [--channel C] [--action opt_out|opt_in] [--campaign ID] [--occurred-at ISO] [--format csv|ndjson] [--idempotency-key K]\n`,
      );
      process.exit(2);
    }
    const tty = process.stderr.isTTY;
    let lastLogged = 0;
    process.stderr.write(`importing ${basename(options.file)} into ${options.url}\n`);
    const { status, body } = await runImport(options, (line, final) => {
      if (tty) process.stderr.write(`\r${line}${final ? '\n' : ''}`);
      else if (final || Date.now() - lastLogged > 5000) {
        lastLogged = Date.now();
        process.stderr.write(`${line}\n`);
      }
    });
    const { rejections, ...summary } = body as { rejections?: unknown[] } & Record<string, unknown>;
    process.stdout.write(`${JSON.stringify({ httpStatus: status, ...summary }, null, 2)}\n`);
    if (Array.isArray(rejections) && rejections.length) {
      process.stdout.write(
        `first rejected lines:\n${rejections
          .slice(0, 20)
          .map((r) => `  ${JSON.stringify(r)}`)
          .join('\n')}\n`,
      );
    }
    process.exit(status < 300 && body.status === 'completed' ? 0 : 1);
  })().catch((error: Error) => {
    process.stderr.write(`import: ${error.message}\n`);
    process.exit(1);
  });
}
