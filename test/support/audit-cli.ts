import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** `npm run audit:verify -- ...`, as staff run it: exit code and printed verdict. */
export async function auditVerifyCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: Record<string, unknown> | null; err: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register', join(__dirname, '..', '..', 'src', 'bin', 'audit-verify.ts'), ...args],
      {
        env: { ...process.env, ...env },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return { code: 0, out: JSON.parse(stdout), err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    let out: Record<string, unknown> | null;
    try {
      out = JSON.parse(e.stdout);
    } catch {
      out = null;
    }
    return { code: e.code, out, err: e.stderr };
  }
}
