// Errors as values: each operation's `error.code` is the union of the codes it can answer, so a
// switch over it is checked by the compiler (no casts: eslint forbids them in this folder).
import { ConsentProblem, type ConsentClient } from '../src';

/** The name of a campaign, or null when there is none. */
export async function campaignName(consent: ConsentClient, campaignId: string): Promise<string | null> {
  const { data, error } = await consent.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId } } });
  if (!error) return data.name;
  if (error.code === 'CAMPAIGN.NOT_FOUND') return null; // 404
  throw new ConsentProblem(error);
}

export type OptInOutcome = 'recorded' | 'no such campaign' | 'channel not in campaign' | 'key used for another request';

/** Records an opt-in, saying why not when the service refuses it for a reason the caller can act on. */
export async function recordOptIn(
  consent: ConsentClient,
  optIn: { address: string; channel: 'sms' | 'email'; campaignId: string },
  idempotencyKey: string = consent.newIdempotencyKey(),
): Promise<OptInOutcome> {
  const { error } = await consent.POST('/v1/consents', {
    params: { header: { 'Idempotency-Key': idempotencyKey } },
    body: { ...optIn, action: 'opt_in', source: 'web_form', evidence: { pageUrl: 'https://example.com/signup', noticeVersion: 'v1' } },
  });
  if (!error) return 'recorded';
  switch (error.code) {
    case 'CAMPAIGN.NOT_FOUND': // 404
      return 'no such campaign';
    case 'CONSENT.CHANNEL_NOT_IN_CAMPAIGN': // 422
      return 'channel not in campaign';
    case 'IDEMPOTENCY_KEY.REUSED': // 422
      return 'key used for another request';
    default:
      throw new ConsentProblem(error);
  }
}
