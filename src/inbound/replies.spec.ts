import { replyText } from './replies';

const base = { keywordLanguage: null, senderLanguage: null, senderReplies: {}, brand: 'ACME' };

describe('replyText', () => {
  it('confirms an opt-out naming the brand and how to opt back in, with nothing else', () => {
    const text = replyText('opt_out', base);
    expect(text).toBe('You have been unsubscribed and will receive no more messages from ACME. Reply START to resubscribe.');
  });

  it('answers in the language of the keyword the customer used', () => {
    expect(replyText('opt_out', { ...base, keywordLanguage: 'fr' })).toBe(
      'Vous êtes désinscrit et ne recevrez plus de messages de ACME. Répondez START pour vous réabonner.',
    );
    expect(replyText('help', { ...base, keywordLanguage: 'es' })).toMatch(/^ACME: responda STOP/);
  });

  it("falls back to the sender's language, then English", () => {
    expect(replyText('opt_in', { ...base, keywordLanguage: 'de', senderLanguage: 'fr-CA' })).toMatch(/^Vous êtes réabonné/);
    expect(replyText('opt_in', { ...base, keywordLanguage: 'de', senderLanguage: 'nl' })).toMatch(/^You have been resubscribed/);
  });

  it("prefers the sender's own texts, per language", () => {
    const senderReplies = { en: { help: 'Call {brand} on 555-0100. Reply STOP to stop.' }, nl: { opt_out: 'Afgemeld bij {brand}.' } };
    expect(replyText('help', { ...base, senderReplies })).toBe('Call ACME on 555-0100. Reply STOP to stop.');
    expect(replyText('opt_out', { ...base, senderReplies, keywordLanguage: 'nl' })).toBe('Afgemeld bij ACME.');
    expect(replyText('opt_out', { ...base, senderReplies })).toMatch(/^You have been unsubscribed/);
  });
});
