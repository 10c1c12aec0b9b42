import { missingBrowser } from './browser';
import { adminQuery, TEMPLATE_DB } from './test-database';

export default async function globalTeardown(): Promise<void> {
  // Said again at the end, where it cannot scroll away.
  if (process.env.BROWSER_SUITE_MISSING) console.warn(`\n${missingBrowser()}\n`);
  const embedded = (globalThis as Record<string, unknown>).__EMBEDDED_PG__ as { stop(): Promise<void> } | undefined;
  if (embedded) {
    await embedded.stop();
  } else if (process.env.CONSENT_TEST_SERVER_URL) {
    await adminQuery(process.env.CONSENT_TEST_SERVER_URL, `drop database if exists ${TEMPLATE_DB} with (force)`);
  }
}
