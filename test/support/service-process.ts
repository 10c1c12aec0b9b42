import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ADMIN_KEY } from './test-app';

const ROOT = resolve(__dirname, '..', '..');

/**
 * The real service in its own process (compiled on the fly by ts-node), on the given database.
 * `output` collects what it writes (stdout and stderr), to show why it exited.
 */
export async function startService(databaseUrl: string, port: number, env: Record<string, string> = {}, output?: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: 'error',
      MIGRATIONS_RUN: 'false',
      TS_NODE_TRANSPILE_ONLY: 'true',
      ...env,
    },
    stdio: output ? ['ignore', 'pipe', 'pipe'] : 'ignore',
  });
  if (output) for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}${output ? `: ${output.join('').slice(-2000)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the service did not become ready');
}
