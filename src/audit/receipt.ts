/**
 * A consent receipt: one ledger entry as a consent record shaped after ISO/IEC TS 27560
 * (consent record information structure): a header, the processing it is about (notice,
 * language, purpose, jurisdiction, how to withdraw), the parties, the events, and the proof
 * that the entry is in the ledger. Anyone holding the file can check it offline
 * (`npm run audit:verify -- --receipt FILE`): the proof is recomputed from the entry, and every
 * statement of the readable part must be what the proven entry says.
 */
import { ENTRY_PROOF_VERSION, EntryProof, ProofVerdict, Sha256, verifyEntryProof } from '../ledger/entry-proof';
import { canonicalJson } from '../ledger/ledger-encoding';

export const RECEIPT_VERSION = 'consent-receipt/1';

export interface ReceiptCampaign {
  id: string;
  name: string;
  purpose: string;
}

export interface ConsentReceipt {
  version: typeof RECEIPT_VERSION;
  header: {
    receiptId: string;
    issuedAt: string;
    issuer: string;
    /** Where the record is: its ledger position, stream and event id. */
    recordId: { seq: string; stream: string; eventId: string };
    schema: string;
  };
  processing: {
    purposes: { campaignId: string | null; name: string; purpose: string | null }[];
    channel: string | null;
    notice: { version: string | null; pageUrl: string | null };
    language: string | null;
    jurisdiction: string | null;
    withdrawal: string[];
  };
  parties: {
    controller: { name: string };
    subject: { customerId: string | null; address: string | null };
    recordedBy: string;
  };
  events: {
    type: string;
    source: string | null;
    occurredAt: string | null;
    recordedAt: string;
    expiresAt: string | null;
    evidence: Record<string, unknown>;
  }[];
  proof: EntryProof;
}

/** How the person can take it back, on that channel, in words a regulator reads. */
export function withdrawalMethods(channel: string | null, brand: string): string[] {
  const methods: string[] = [];
  if (channel && ['sms', 'mms', 'rcs', 'whatsapp'].includes(channel)) methods.push('Reply STOP (or "unsubscribe", "arrêt", "baja" ...) to any message.');
  if (channel === 'email') methods.push('The unsubscribe link in any email: one click, no sign-in (RFC 8058).');
  if (channel === 'voice') methods.push('Say so on any call, or press the opt-out key when offered.');
  methods.push('The preference centre linked from any message.', `Ask ${brand} by any means: the opt-out is recorded within 48 hours.`);
  return methods;
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The receipt of a proven consent entry. */
export function buildReceipt(proof: EntryProof, o: { receiptId: string; issuedAt: string; issuer: string; campaign: ReceiptCampaign | null }): ConsentReceipt {
  const e = proof.entry;
  return {
    version: RECEIPT_VERSION,
    header: {
      receiptId: o.receiptId,
      issuedAt: o.issuedAt,
      issuer: o.issuer,
      recordId: { seq: e.seq, stream: e.stream, eventId: e.eventId },
      schema: 'Shaped after ISO/IEC TS 27560:2023, consent record information structure',
    },
    processing: {
      purposes: [
        {
          campaignId: e.campaignId,
          name: o.campaign?.name ?? (e.campaignId ? e.campaignId : `Every campaign on ${e.channel}`),
          purpose: o.campaign?.purpose ?? null,
        },
      ],
      channel: e.channel,
      notice: { version: text(e.evidence.noticeVersion), pageUrl: text(e.evidence.pageUrl) },
      language: e.language,
      jurisdiction: e.jurisdiction,
      withdrawal: withdrawalMethods(e.channel, o.issuer),
    },
    parties: {
      controller: { name: o.issuer },
      subject: { customerId: e.customerId, address: e.address },
      recordedBy: e.recordedBy,
    },
    events: [{ type: e.action, source: e.source, occurredAt: e.occurredAt, recordedAt: e.recordedAt, expiresAt: e.expiresAt, evidence: e.evidence }],
    proof,
  };
}

/** What a receipt states that its entry proves. */
const provenStatements = (r: ConsentReceipt) => ({
  recordId: r.header.recordId,
  campaignId: r.processing.purposes[0]?.campaignId,
  channel: r.processing.channel,
  notice: r.processing.notice,
  language: r.processing.language,
  jurisdiction: r.processing.jurisdiction,
  subject: r.parties.subject,
  recordedBy: r.parties.recordedBy,
  events: r.events,
});

/**
 * Whether the receipt holds: its proof leads from the entry to the ledger head (and to the
 * head you published, when given), and what it states is what the entry says. The parts of a
 * receipt that are not the entry's (issuer, campaign name, withdrawal wording) are the
 * issuer's statements, not proven by the ledger.
 */
export async function verifyReceipt(receipt: ConsentReceipt, sha256: Sha256, publishedHead?: { blocks: number; ledgerRoot: string }): Promise<ProofVerdict> {
  if (receipt?.version !== RECEIPT_VERSION || receipt.proof?.version !== ENTRY_PROOF_VERSION)
    return { ok: false, failedAt: 'entry', problem: 'not a consent receipt (version consent-receipt/1 with an entry proof)' };
  const verdict = await verifyEntryProof(receipt.proof, sha256, publishedHead);
  if (!verdict.ok) return verdict;
  // The receipt its proven entry makes (the issuer's own words aside), against what this one says.
  const proven = provenStatements(buildReceipt(receipt.proof, { ...receipt.header, campaign: null }));
  const said = provenStatements(receipt);
  for (const key of Object.keys(proven) as (keyof typeof proven)[]) {
    if (canonicalJson(said[key]) !== canonicalJson(proven[key]))
      return { ok: false, failedAt: 'entry', problem: `the receipt's ${key} is not what the proven entry says` };
  }
  return { ok: true };
}
