// The sender's flow: ask, send only when allowed, record what was sent (README: "Sending").
import { ConsentProblem, type ConsentClient } from '../src';

export async function sendIfAllowed(consent: ConsentClient, to: string, text: string, sendSms: (to: string, text: string) => Promise<string>) {
  const campaignId = 'spring-sale';
  const decision = await consent.POST('/v1/decisions', { body: { address: to, channel: 'sms', campaignId, reserve: true } });
  if (decision.error) throw new ConsentProblem(decision.error); // a 503 after the retries: do not send
  if (!decision.data.allowed) return decision.data.reason; // 'opted_out', 'quiet_hours', ...
  const messageId = await sendSms(to, text);
  const { decisionId } = decision.data;
  const sent = await consent.POST('/v1/sends', { body: { decisionId, address: to, channel: 'sms', campaignId, messageId, sentAt: new Date().toISOString() } });
  if (sent.error) throw new ConsentProblem(sent.error);
  return 'sent';
}
