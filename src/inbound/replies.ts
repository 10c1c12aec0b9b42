/**
 * What the service answers to a keyword (docs/domain.md §4): one confirmation, no marketing,
 * the brand named, and how to opt back in. Senders may replace any text per language.
 */
import type { KeywordIntent } from './reply-parser';

export type ReplyTexts = Partial<Record<KeywordIntent, string>>;

export const DEFAULT_REPLIES: Record<string, Required<ReplyTexts>> = {
  en: {
    opt_out: 'You have been unsubscribed and will receive no more messages from {brand}. Reply START to resubscribe.',
    opt_in: 'You have been resubscribed to messages from {brand}. Reply STOP to unsubscribe.',
    help: '{brand}: reply STOP to unsubscribe, START to resubscribe. Message and data rates may apply.',
  },
  fr: {
    opt_out: 'Vous êtes désinscrit et ne recevrez plus de messages de {brand}. Répondez START pour vous réabonner.',
    opt_in: 'Vous êtes réabonné aux messages de {brand}. Répondez STOP pour vous désinscrire.',
    help: '{brand} : répondez STOP pour vous désinscrire, START pour vous réabonner.',
  },
  es: {
    opt_out: 'Se ha dado de baja y no recibirá más mensajes de {brand}. Responda START para volver a suscribirse.',
    opt_in: 'Se ha vuelto a suscribir a los mensajes de {brand}. Responda STOP para darse de baja.',
    help: '{brand}: responda STOP para darse de baja, START para volver a suscribirse.',
  },
  de: {
    opt_out: 'Sie sind abgemeldet und erhalten keine Nachrichten mehr von {brand}. Antworten Sie START, um sich wieder anzumelden.',
    opt_in: 'Sie sind wieder für Nachrichten von {brand} angemeldet. Antworten Sie STOP, um sich abzumelden.',
    help: '{brand}: Antworten Sie STOP zum Abmelden, START zum Anmelden.',
  },
  pt: {
    opt_out: 'Você foi descadastrado e não receberá mais mensagens de {brand}. Responda START para se cadastrar de novo.',
    opt_in: 'Você voltou a receber mensagens de {brand}. Responda STOP para se descadastrar.',
    help: '{brand}: responda STOP para se descadastrar, START para se cadastrar de novo.',
  },
  it: {
    opt_out: 'La sua iscrizione è annullata e non riceverà più messaggi da {brand}. Risponda START per iscriversi di nuovo.',
    opt_in: 'È di nuovo iscritto ai messaggi di {brand}. Risponda STOP per annullare.',
    help: '{brand}: risponda STOP per annullare, START per iscriversi di nuovo.',
  },
};

/**
 * An opt-out that stops the sender's campaigns while others the customer consented to on the
 * channel go on (before REVOKE_ALL_FROM): the confirmation says so, and asks once whether to
 * stop everything (47 CFR 64.1200(a)(12)); the one word asked for is read only as that answer.
 */
export const PARTIAL_OPT_OUTS: Record<string, { confirmation: string; askAll: string }> = {
  en: {
    confirmation: 'You will receive no more of these messages from {brand}. Reply START to resubscribe.',
    askAll: 'Reply ALL to stop every message from {brand}.',
  },
  fr: {
    confirmation: 'Vous ne recevrez plus ces messages de {brand}. Répondez START pour vous réabonner.',
    askAll: 'Répondez TOUT pour arrêter tous les messages de {brand}.',
  },
  es: {
    confirmation: 'No recibirá más estos mensajes de {brand}. Responda START para volver a suscribirse.',
    askAll: 'Responda TODO para dejar todos los mensajes de {brand}.',
  },
  de: {
    confirmation: 'Sie erhalten diese Nachrichten von {brand} nicht mehr. Antworten Sie START zum Anmelden.',
    askAll: 'Antworten Sie ALLES, um alle Nachrichten von {brand} abzubestellen.',
  },
  pt: {
    confirmation: 'Você não receberá mais estas mensagens de {brand}. Responda START para se cadastrar de novo.',
    askAll: 'Responda TUDO para parar todas as mensagens de {brand}.',
  },
  it: {
    confirmation: 'Non riceverà più questi messaggi da {brand}. Risponda START per iscriversi di nuovo.',
    askAll: 'Risponda TUTTO per fermare tutti i messaggi da {brand}.',
  },
};

/**
 * Asked back when a reply is unclear (reply-parser.ts): no marketing, the brand named, and the
 * one word that opts out. In the reply's language where the parser could tell it.
 */
export const CLARIFICATIONS: Record<string, string> = {
  en: 'Did you mean to stop messages from {brand}? Reply STOP to stop.',
  fr: 'Souhaitez-vous ne plus recevoir de messages de {brand} ? Répondez STOP pour les arrêter.',
  es: '¿Quiere dejar de recibir mensajes de {brand}? Responda STOP para darse de baja.',
  de: 'Möchten Sie keine Nachrichten mehr von {brand} erhalten? Antworten Sie STOP, um sie abzubestellen.',
  pt: 'Deseja deixar de receber mensagens de {brand}? Responda STOP para parar.',
  it: 'Vuole smettere di ricevere messaggi da {brand}? Risponda STOP per smettere.',
};

/** Primary subtag, lower case: `fr-CA` answers with French texts. */
function primary(language: string | null | undefined): string | null {
  return language ? language.split('-')[0].toLowerCase() : null;
}

type ReplyLanguages = { keywordLanguage: string | null; senderLanguage: string | null };

export type SenderReplyOptions = ReplyLanguages & { senderReplies: Record<string, ReplyTexts>; brand: string };

/** A sender's texts by primary subtag: `fr-CA` texts answer `fr`. */
function byPrimaryLanguage(senderReplies: Record<string, ReplyTexts>): Map<string, ReplyTexts> {
  return new Map(Object.entries(senderReplies).map(([lang, texts]) => [primary(lang)!, texts]));
}

const withBrand = (text: string, brand: string) => text.replace(/\{brand\}/g, brand);

/** The first text found in the reply's language, then the sender's, then English. */
function inLanguage(options: ReplyLanguages, text: (lang: string) => string | undefined): string | undefined {
  for (const lang of [primary(options.keywordLanguage), primary(options.senderLanguage), 'en']) {
    const found = lang ? text(lang) : undefined;
    if (found) return found;
  }
  return undefined;
}

/**
 * The reply to `intent`: in the language of the keyword the customer used when there is a text
 * for it, else in the sender's language, else English; the sender's own texts first.
 */
export function replyText(intent: KeywordIntent, options: SenderReplyOptions): string {
  const custom = byPrimaryLanguage(options.senderReplies);
  return withBrand(inLanguage(options, (lang) => custom.get(lang)?.[intent] ?? DEFAULT_REPLIES[lang]?.[intent]) ?? DEFAULT_REPLIES.en[intent], options.brand);
}

/**
 * The confirmation of an opt-out that leaves other consented campaigns going: the sender's own
 * opt-out text, else the default one for part of the messages, then the offer to stop them all.
 */
export function partialOptOutText(options: SenderReplyOptions): string {
  const custom = byPrimaryLanguage(options.senderReplies);
  const confirmation = inLanguage(options, (lang) => custom.get(lang)?.opt_out ?? PARTIAL_OPT_OUTS[lang]?.confirmation)!;
  const askAll = inLanguage(options, (lang) => PARTIAL_OPT_OUTS[lang]?.askAll)!;
  return withBrand(`${confirmation} ${askAll}`, options.brand);
}

/** The clarification asked back for an unclear reply, in the reply's language, else the sender's, else English. */
export function clarificationText(options: ReplyLanguages & { brand: string }): string {
  return withBrand(inLanguage(options, (lang) => CLARIFICATIONS[lang]) ?? CLARIFICATIONS.en, options.brand);
}
