/**
 * Proofs checked here, in the browser, with its own Web Crypto: the console recomputes every
 * hash from the entry up to the ledger head instead of taking the service's word for it. The
 * rules are the service's own (src/ledger/entry-proof.ts), one file for both.
 */
import { verifyEntryProof, type ProofVerdict } from '../../src/ledger/entry-proof';
import { apiFor, must } from './api';

export type { ProofVerdict };

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(data)));
}

/** Fetches the head, then the entry's proof up to that head, and checks it. */
export async function verifyEntry(api: ReturnType<typeof apiFor>, seq: string): Promise<ProofVerdict & { head: { blocks: number; ledgerRoot: string } }> {
  const head = await must(api.GET('/v1/audit/head'));
  const headRef = { blocks: head.blocks, ledgerRoot: head.ledgerRoot };
  const proof = await must(api.GET('/v1/audit/entries/{seq}/proof', { params: { path: { seq }, query: { headBlocks: head.blocks } } }));
  return { ...(await verifyEntryProof(proof, sha256, headRef)), head: headRef };
}
