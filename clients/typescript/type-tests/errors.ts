// Compile-time checks (tsc -p clients/typescript): what the types promise a caller.
import type { ConsentClient } from '../src';

export async function errorsAreNarrowedPerOperation(consent: ConsentClient): Promise<void> {
  const { error } = await consent.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId: 'spring-sale' } } });
  if (!error) return;
  // @ts-expect-error: reading a campaign never answers an import's code
  if (error.code === 'IMPORT.NOT_FOUND') return;
  const handled:
    | 'CAMPAIGN.NOT_FOUND'
    | 'NOT_FOUND'
    | 'UNAUTHENTICATED'
    | 'FORBIDDEN'
    | 'RATE_LIMITED'
    | 'AUTH_FAILURES_LIMITED'
    | 'VALIDATION_FAILED'
    | 'BAD_REQUEST'
    | 'URI_TOO_LONG'
    | 'INTERNAL'
    | 'SERVICE_UNAVAILABLE' = error.code;
  void handled;
}

export async function writesTakeAnIdempotencyKeyAndReadsDoNot(consent: ConsentClient): Promise<void> {
  await consent.POST('/v1/sends', {
    params: { header: { 'Idempotency-Key': 'k' } },
    body: { channel: 'sms', campaignId: 'c', messageId: 'm', sentAt: '2026-01-01T00:00:00Z' },
  });
  // @ts-expect-error: listing campaigns takes no Idempotency-Key
  await consent.GET('/v1/campaigns', { params: { header: { 'Idempotency-Key': 'k' } } });
}

export async function successBodiesAreTyped(consent: ConsentClient): Promise<void> {
  const { data } = await consent.POST('/v1/decisions', { body: { address: '+14155550100', channel: 'sms', campaignId: 'c' } });
  if (!data) return;
  // @ts-expect-error: basis may be null (a decision without a deciding event)
  void data.basis.eventId;
  void data.basis?.eventId;
}
