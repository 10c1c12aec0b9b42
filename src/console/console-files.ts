import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

/** Where `npm run build` puts the console (console/vite.config.mts), from src/console or dist/console alike. */
export const CONSOLE_BUILD_DIR = resolve(__dirname, '..', '..', 'dist', 'console-app');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface ConsoleFile {
  body: Buffer;
  type: string;
  etag: string;
}

/**
 * The console's built files, read once at start: the service answers only for names it found
 * there (no path from a request ever reaches the file system), with their content type and an
 * ETag. Hashed asset names are cached for good; index.html is revalidated.
 */
@Injectable()
export class ConsoleFiles {
  private readonly logger = new Logger('Console');
  readonly index: ConsoleFile | null;
  private readonly assets = new Map<string, ConsoleFile>();

  constructor() {
    this.index = this.read(join(CONSOLE_BUILD_DIR, 'index.html'));
    const dir = join(CONSOLE_BUILD_DIR, 'assets');
    for (const name of this.list(dir)) {
      const file = this.read(join(dir, name));
      if (file) this.assets.set(name, file);
    }
    if (!this.index) this.logger.warn(`the staff console is not built (no ${CONSOLE_BUILD_DIR}/index.html): /console answers 503 until \`npm run build\``);
  }

  asset(name: string): ConsoleFile | undefined {
    return this.assets.get(name);
  }

  private list(dir: string): string[] {
    try {
      return readdirSync(dir).filter((n) => statSync(join(dir, n)).isFile());
    } catch {
      return [];
    }
  }

  private read(path: string): ConsoleFile | null {
    const type = TYPES[extname(path)];
    if (!type) return null;
    try {
      const body = readFileSync(path);
      return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
    } catch {
      return null;
    }
  }
}
