/**
 * How pages go over HTTP: the headers every page carries (a strict Content-Security-Policy,
 * no referrer, no cache, no framing, no indexing) and the check that a form was submitted
 * from the page itself.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Html } from './html';

export const PREFERENCE_CENTRE_PATH = '/preferences/:token';
export const ONE_CLICK_PATH = '/u/:token';

/** Nothing from another origin, no script at all, forms only to this origin, never in a frame. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  // The link's token is in the URL: no other site may learn it from a Referer.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
};

export function sendPage(reply: FastifyReply, status: number, page: Html, headers: Record<string, string> = {}): void {
  void reply
    .status(status)
    .headers({ ...PAGE_HEADERS, ...headers })
    .type('text/html; charset=utf-8')
    .send(page.markup);
}

export function sendRedirect(reply: FastifyReply, location: string): void {
  void reply
    .status(303)
    .headers({ ...PAGE_HEADERS, location })
    .send();
}

/**
 * Whether a form post came from another site (a page elsewhere submitting to ours): the
 * browser says so (Sec-Fetch-Site), or its Origin is not ours. Clients that send neither
 * (not browsers) still need the form's token.
 */
export function isCrossSite(request: FastifyRequest, publicBaseUrl: string | undefined): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return false;
  const ours = new Set([`${request.protocol}://${request.host}`]);
  if (publicBaseUrl) ours.add(new URL(publicBaseUrl).origin);
  return !ours.has(origin);
}
