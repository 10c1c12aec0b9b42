/**
 * The browser suites' Chromium (Debian's package, driven by playwright-core) and their
 * accessibility check (axe-core, WCAG 2.2 AA).
 */
import { readFileSync } from 'node:fs';
import { Browser, chromium, Page } from 'playwright-core';
import { chromiumPath } from './browser';

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // Root needs no sandbox; this machine's network is closed, so Chromium must not go looking.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** axe-core's verdict on the page, each violation prefixed with `where` (it runs in the page: its policy does not stop the browser's own evaluation). */
export async function axeViolations(page: Page, where: string): Promise<string[]> {
  await page.evaluate(AXE);
  // Expressions, not functions: the test compiles without the DOM's types; the page runs them.
  const result = await page.evaluate(`axe.run({ runOnly: { type: 'tag', values: ${JSON.stringify(WCAG)} } })`);
  return (result as { violations: { id: string; nodes: { target: string[] }[] }[] }).violations.map(
    (v) => `${where}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}
