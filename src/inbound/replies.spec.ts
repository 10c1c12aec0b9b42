import { CLARIFICATIONS, clarificationText, DEFAULT_REPLIES, PARTIAL_OPT_OUTS, partialOptOutText, replyText } from './replies';

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
    expect(replyText('opt_in', { ...base, keywordLanguage: 'nl', senderLanguage: 'fr-CA' })).toMatch(/^Vous êtes réabonné/);
    expect(replyText('opt_in', { ...base, keywordLanguage: 'sv', senderLanguage: 'nl' })).toMatch(/^You have been resubscribed/);
  });

  it("prefers the sender's own texts, per language", () => {
    const senderReplies = { en: { help: 'Call {brand} on 555-0100. Reply STOP to stop.' }, nl: { opt_out: 'Afgemeld bij {brand}.' } };
    expect(replyText('help', { ...base, senderReplies })).toBe('Call ACME on 555-0100. Reply STOP to stop.');
    expect(replyText('opt_out', { ...base, senderReplies, keywordLanguage: 'nl' })).toBe('Afgemeld bij ACME.');
    expect(replyText('opt_out', { ...base, senderReplies })).toMatch(/^You have been unsubscribed/);
  });
});

// 47 CFR 64.1200(a)(12): one confirmation, with no marketing content. Every default text fits one
// SMS segment of 160 characters, names the brand, and carries no link, number, price or offer.
const NO_MARKETING = /https?:|www\.|\d|%|€|\$|free|gratuit|gratis|offer|offre|oferta|deal|promo|sale|solde|rabais|descuento|angebot|sconto/i;

describe('confirmations and clarifications', () => {
  it.each(Object.entries(DEFAULT_REPLIES))('the %s opt-out confirmation is one short message with no marketing', (_lang, texts) => {
    const text = texts.opt_out.replace('{brand}', 'ACME');
    expect(text.length).toBeLessThanOrEqual(160);
    expect(text).toContain('ACME');
    expect(text).not.toMatch(NO_MARKETING);
  });

  it.each(Object.entries(CLARIFICATIONS))('the %s clarification asks once, names the brand and the word that stops, and sells nothing', (lang, template) => {
    const text = clarificationText({ keywordLanguage: lang, senderLanguage: null, brand: 'ACME' });
    expect(text).toBe(template.replace('{brand}', 'ACME'));
    expect(text.length).toBeLessThanOrEqual(160);
    expect(text).toMatch(/\bSTOP\b/);
    expect(text).not.toMatch(NO_MARKETING);
  });

  it("asks in the reply's language, else the sender's, else English", () => {
    expect(clarificationText({ keywordLanguage: 'it', senderLanguage: 'fr', brand: 'ACME' })).toMatch(/^Vuole smettere/);
    expect(clarificationText({ keywordLanguage: null, senderLanguage: 'de-AT', brand: 'ACME' })).toMatch(/^Möchten Sie/);
    expect(clarificationText({ keywordLanguage: 'nl', senderLanguage: null, brand: 'ACME' })).toBe(
      'Did you mean to stop messages from ACME? Reply STOP to stop.',
    );
  });

  it.each(Object.keys(PARTIAL_OPT_OUTS))('the %s confirmation of a partial opt-out says what stopped and offers to stop all, in one short message', (lang) => {
    const text = partialOptOutText({ keywordLanguage: lang, senderLanguage: null, senderReplies: {}, brand: 'ACME' });
    expect(text.length).toBeLessThanOrEqual(160);
    expect(text).toMatch(/\b(ALL|TOUT|TODO|ALLES|TUDO|TUTTO)\b/);
    expect(text).not.toMatch(NO_MARKETING);
  });

  it("keeps the sender's own confirmation and adds the offer", () => {
    const senderReplies = { en: { opt_out: 'Unsubscribed from ACME alerts.' } };
    expect(partialOptOutText({ keywordLanguage: null, senderLanguage: null, senderReplies, brand: 'ACME' })).toBe(
      'Unsubscribed from ACME alerts. Reply ALL to stop every message from ACME.',
    );
  });
});
