/**
 * What a customer's reply means (docs/domain.md §4): opt-out, opt-in, help or an ordinary
 * message. Pure and table-driven: every rule has a name, and the name of the rule that fired is
 * reported so that the ledger can show why a reply was read the way it was.
 *
 * Order of evaluation, first match wins:
 *  1. the whole reply is a keyword (sender keywords first, then the defaults), optionally with
 *     politeness around it ("stop please", "Arrêt svp", "STOP!!");
 *  2. opt-out sentences whose intent is clear ("please stop texting me", "no más mensajes");
 *  3. guards: a revocation word that is negated ("don't stop the deals") or asked about
 *     ("what time do you stop serving?") makes the reply an ordinary message;
 *  4. any of the words the FCC says must always work (stop, quit, end, revoke, opt out, cancel,
 *     unsubscribe, and their French and Spanish counterparts) anywhere in a short reply: be
 *     generous, a missed revocation is a violation while a false one costs one message.
 */

import { distance } from 'fastest-levenshtein';

/**
 * `unclear`: a person could not tell either (a near miss of a short keyword, a keyword quoted
 * or asked about, a revocation word deep in a long message): the service asks once and holds
 * marketing back until the customer answers or staff decide (see InboundService).
 */
export type Intent = 'opt_out' | 'opt_in' | 'help' | 'message' | 'unclear';
export type KeywordIntent = Exclude<Intent, 'message' | 'unclear'>;
/** `sender`: everything sent from the sender the reply went to; `channel`: every campaign on the channel (STOPALL). */
export type OptOutScope = 'sender' | 'channel';

export interface ParsedReply {
  intent: Intent;
  /** Null for opt-in, help and ordinary messages. */
  scope: OptOutScope | null;
  /** The rule that fired, e.g. `keyword.en.stop`, `sentence.en.stop_texting`, `guard.negated`, `none`. */
  matched: string;
  /** Language of the rule that fired, when it tells one. */
  language: string | null;
}

/** Extra keywords configured for one sender, by language. */
export type SenderKeywords = Record<string, Partial<Record<KeywordIntent, readonly string[]>>>;

interface KeywordEntry {
  intent: KeywordIntent;
  language: string;
  scope: OptOutScope | null;
  rule: string;
}

/** docs/domain.md §4, written as customers type them (normalised: lower case, no accents, no spaces). */
const DEFAULT_KEYWORDS: Record<string, Record<KeywordIntent, string[]>> = {
  en: {
    opt_out: ['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'revoke', 'optout', 'unsub', 'removeme'],
    opt_in: ['start', 'yes', 'unstop', 'subscribe', 'resubscribe', 'optin'],
    help: ['help', 'info'],
  },
  fr: {
    opt_out: ['arret', 'arrete', 'arreter', 'arretez', 'desabonner', 'desabonnement', 'desinscrire', 'desinscription', 'stoppez', 'annuler', 'fin'],
    opt_in: ['oui', 'abonner', 'reabonner'],
    help: ['aide'],
  },
  es: {
    opt_out: ['baja', 'alto', 'parar', 'cancelar', 'darmedebaja', 'basta'],
    opt_in: ['si', 'alta'],
    help: ['ayuda'],
  },
  de: { opt_out: ['abmelden', 'stopp', 'austragen', 'abbestellen', 'kundigen', 'aufhoren', 'ende'], opt_in: ['anmelden'], help: ['hilfe'] },
  pt: { opt_out: ['sair', 'cancelar', 'pare', 'descadastrar', 'descadastra'], opt_in: ['sim'], help: ['ajuda'] },
  it: { opt_out: ['annulla', 'basta', 'disiscrivimi', 'disdici', 'cancellami', 'disiscrizione'], opt_in: [], help: ['aiuto'] },
};

/** Keywords that stop every campaign on the channel, not only the sender's. */
const CHANNEL_WIDE = new Set(['stopall']);

/**
 * Words the FCC requires to work always (47 CFR 64.1200(a)(10)); a sender may add keywords but
 * never turn one of these into something else.
 */
export const MANDATORY_OPT_OUT_WORDS: readonly string[] = ['stop', 'quit', 'end', 'revoke', 'optout', 'cancel', 'unsubscribe'];

/** Words around a keyword that do not change its meaning ("stop please", "arrêt svp", "STOP NOW"). */
const FILLER = new Set([
  'please',
  'pls',
  'plz',
  'thanks',
  'thank',
  'you',
  'thx',
  'ty',
  'now',
  'asap',
  'ok',
  'okay',
  'me',
  'it',
  'sir',
  'madam',
  'mam',
  'right',
  'immediately',
  'svp',
  'stp',
  'merci',
  'sil',
  'vous',
  'plait',
  'maintenant',
  'moi',
  'tout',
  'de',
  'suite',
  'por',
  'favor',
  'gracias',
  'ya',
  'ahora',
  'porfa',
  'me',
  'yo',
  'bitte',
  'danke',
  'obrigado',
  'obrigada',
  'grazie',
]);

/** Filler that turns STOP into STOPALL: "stop all", "unsubscribe all", "arrêt tout". */
const ALL_WORDS = new Set(['all', 'everything', 'tout', 'tous', 'todo', 'todos', 'alles', 'tudo', 'tutto']);

/**
 * "ALL", "tout", "all of them please": the answer to the offer to stop every message after a
 * partial opt-out (replies.ts PARTIAL_OPT_OUTS). On its own it means nothing: the service reads it
 * as an opt-out only right after asking.
 */
export function isAllReply(body: string): boolean {
  const tokens = normaliseReply(body).split(' ');
  return tokens.some((t) => ALL_WORDS.has(t)) && tokens.every((t) => ALL_WORDS.has(t) || FILLER.has(t) || t === 'of' || t === 'them');
}

/**
 * Lower case, accents folded, apostrophes unified, everything but letters, digits and
 * apostrophes (punctuation, emoji, symbols) turned into spaces, spaces collapsed.
 */
export function normaliseReply(body: string): string {
  const words = body
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .split(' ');
  // Quotes around a word ('stop') go; apostrophes inside one (don't) stay. By index: a pattern
  // for "apostrophes at a word's edge" backtracks over a long run of them at every position.
  const out: string[] = [];
  for (const word of words) {
    let start = 0;
    let end = word.length;
    while (start < end && word[start] === "'") start++;
    while (end > start && word[end - 1] === "'") end--;
    if (end > start) out.push(start === 0 && end === word.length ? word : word.slice(start, end));
  }
  return out.join(' ');
}

/** Keywords are compared without spaces: "OPT OUT", "opt-out" and "optout" are one keyword. */
export function keywordKey(text: string): string {
  return normaliseReply(text).replace(/[\s']/g, '');
}

/**
 * A rule over the normalised reply. Patterns must stay linear in the reply's length (a reply
 * may be 5,000 characters; the spec feeds every rule's words in runs): words start where a word
 * starts (`(?<![\w'])`, never inside one), repeats are bounded, and "X, then later Y" is written
 * as `pattern` X and `then` Y, Y being looked for once after X's first match, rather than as
 * `X.*Y`, which scans the rest of the reply again after every X. (X's repeats are lazy: its
 * first match is then its shortest, leaving Y the most text, as `X.*Y` would.)
 */
interface SentenceRule {
  name: string;
  language: string;
  pattern: RegExp;
  then?: RegExp;
  scope?: OptOutScope;
}

// Objects of "stop ...-ing me": what a customer wants to stop receiving.
const EN_SENDING =
  '(?:text(?:s|ing)?|messag(?:e|es|ing)|msgs?|sms|sending|send(?:ing)? me|contact(?:ing)?|call(?:s|ing)?|e ?mail(?:s|ing)?|spam(?:ming)?|bother(?:ing)?|promotions?|notifications?|alerts?|these|this|it)';

/** Sentences whose intent is to stop receiving messages, whatever else they say. */
const OPT_OUT_SENTENCES: SentenceRule[] = [
  {
    name: 'sentence.en.stop_all',
    language: 'en',
    scope: 'channel',
    pattern: /\b(?:stop|unsubscribe|cancel|end|quit) (?:me from )?(?:all|every(?:thing| message| text)?)\b/,
  },
  {
    name: 'sentence.en.stop_sending',
    language: 'en',
    pattern: new RegExp(`\\b(?:stop|quit|cease|(?<!the )end(?! of)|no longer|discontinue)\\b(?: \\w+){0,3} ${EN_SENDING}\\b`),
  },
  {
    name: 'sentence.en.dont_contact',
    language: 'en',
    pattern: /\b(?:don't|dont|do not|never|no) (?:ever )?(?:text|message|msg|contact|call|email|sms|send)(?:ing)? (?:me|us|this number)\b/,
  },
  {
    name: 'sentence.en.no_more',
    language: 'en',
    pattern:
      /\b(?:no more|not (?:want|wish) (?:any|to receive)|don't want (?:any|these|this|your|to receive)|dont want (?:any|these|this|your|to receive)|do not want (?:any|these|this|your|to receive))\b/,
  },
  {
    name: 'sentence.en.unsubscribe',
    language: 'en',
    pattern: /\b(?:unsubscribe|unsub|unenroll|opt ?out|opt me out|revoke (?:my |your |all )?(?:consent|permission))\b/,
  },
  {
    name: 'sentence.en.remove_me',
    language: 'en',
    pattern:
      /\b(?:remove|delete|take|drop|get) (?:me|my number|this number|my (?:phone|mobile|cell)(?: number)?)\b(?: \w+){0,3} (?:list|off|from)\b|\b(?:take|get) me off\b|\b(?:delete|remove|lose|erase) (?:my|this) number\b/,
  },
  { name: 'sentence.en.leave_alone', language: 'en', pattern: /\b(?:leave me alone|wrong number|who is this stop|lose my number)\b/ },
  {
    name: 'sentence.fr.ne_plus',
    language: 'fr',
    pattern: /(?<![\w'])(?:ne|n') ?(?:[\w']+ ){0,3}?plus\b/,
    then: /\b(?:recevoir|messages?|sms|textos?|mails?|contacter|envoy\w*|ecri\w*|appel\w*)\b/,
  },
  {
    name: 'sentence.fr.ne_plus',
    language: 'fr',
    pattern: /\bne m'(?:envoy|ecri|appel|contact)\w* plus\b|\bplus (?:de|aucun) (?:messages?|sms|textos?|mails?|notifications?|pub|publicites?)\b/,
  },
  {
    name: 'sentence.fr.arretez',
    language: 'fr',
    // Not "j'ai arrêté de fumer": a past tense tells of the customer, and "de" needs a verb of sending.
    pattern:
      /(?<!\bai |\bavons |\bont )\b(?:arrete[rz]?|stoppe[rz]?|cesse[rz]?) (?:(?:de |d')(?:m'|me |nous )?(?:envoy|ecri|appel|contact|spam|harcel|texto|recevoir|sms|messag)|les |vos |ces |tout|m'|moi|svp)/,
  },
  {
    name: 'sentence.fr.desinscrire',
    language: 'fr',
    pattern: /\b(?:desinscri\w*|desabonn\w*|retire[rz]? (?:moi|mon numero)|supprime[rz]? (?:moi|mon numero)|laissez moi tranquille)\b/,
  },
  { name: 'sentence.es.no_mas', language: 'es', pattern: /\bno (?:\w+ ){0,3}mas\b|\bya no (?:quiero|me)\b|\bno quiero (?:recibir|mensajes|sms|mas)\b/ },
  { name: 'sentence.es.dejen', language: 'es', pattern: /\b(?:dejen?|deja|dejad|paren?|para|parad) de (?:enviar|mandar|escribir|llamar|molestar)/ },
  {
    name: 'sentence.es.mensajes',
    language: 'es',
    pattern: /\bcancele[ns]? (?:los |mis |sus )?(?:mensajes|sms)\b|\b(?:borre|borren|eliminen?) (?:mi|el) numero\b/,
  },
  {
    name: 'sentence.es.baja',
    language: 'es',
    pattern:
      /\b(?:dar(?:me)? de baja|darse de baja|de baja|la baja|eliminar?(?:me)?|borrar?(?:me)?|sacar?(?:me)?|quitar?(?:me)?) (?:de |del |la |mi |ya|por)|\b(?:saque\w*|saca\w*|quite\w*|borre\w*|elimine\w*) (?:de|del) (?:la |su |sus |esta )?(?:lista|base)\b|\b(?:darme de baja|dame de baja|denme de baja|quiero la baja|cancelar (?:la |mi )?suscripcion|desuscribir\w*)\b/,
  },
  { name: 'sentence.de.abmelden', language: 'de', pattern: /\b(?:abmelden|keine (?:nachrichten|sms) mehr|abbestellen)\b/ },
  {
    name: 'sentence.de.keine_mehr',
    language: 'de',
    pattern:
      /\bkeine (?:weiteren |neuen )?(?:nachrichten|sms|werbung|mails?)\b|\bnicht mehr (?:kontaktieren|schreiben|anrufen|erhalten)\b|\bschluss mit (?:den |der |dem )?(?:sms|nachrichten|werbung)\b/,
  },
  {
    name: 'sentence.de.aufhoeren',
    language: 'de',
    pattern:
      /\bhor(?:t|en)? (?:sie )?auf\b|\baustragen\b|\b(?:losch|entfern)\w* (?:sie )?(?:mich|meine nummer)\b|\bnummer (?:loschen|entfernen)\b|\blassen sie mich in ruhe\b|\bwiderrufe\b/,
  },
  {
    name: 'sentence.pt.parem',
    language: 'pt',
    pattern:
      /\bpar(?:e|em) (?:de |ja\b|por favor\b)|\bparem\b|\bnao quero mais\b|\bnao (?:\w+ ){0,2}(?:receber|mandem|enviem|enviar|mande)\b|\bchega de (?:mensagens|sms)\b|\bdeixem me em paz\b/,
  },
  {
    name: 'sentence.pt.lista',
    language: 'pt',
    pattern:
      /\b(?:cancelar|cancele) (?:a |minha )?inscricao\b|\b(?:me )?tir(?:e|em|a)\b(?: \w+){0,3} (?:da|de) lista\b|\b(?:remover|excluam?|excluir|tirem|apaguem) (?:o )?meu numero\b|\bdescadastr\w*\b|\bsair da lista\b/,
  },
  {
    name: 'sentence.it.smettete',
    language: 'it',
    pattern:
      /\bsmett\w* (?:di|la|de)\b|\bnon (?:\w+ ){0,2}(?:mandate\w*|inviate\w*|contattate\w*|scrivete\w*)\b|\bnon voglio piu\b|\bniente piu (?:messaggi|sms)\b|\bbasta (?:messaggi|sms|pubblicita)\b|\blasciatemi in pace\b|\brevoco il consenso\b/,
  },
  {
    name: 'sentence.it.lista',
    language: 'it',
    pattern: /\b(?:cancellatemi|cancellami|toglietemi|rimuovete il mio numero|eliminate il mio numero|disiscriv\w*|annullare (?:l')?iscrizione)\b/,
  },
];

/**
 * A revocation word that is negated ("don't stop the deals", "n'arrêtez pas", "no paren de
 * enviar ofertas"), with the words it governs: these spans are taken out before the opt-out
 * sentences are tried, so that "I can't stop getting your texts, stop texting me" still opts out.
 */
const NEGATED_SPANS: SentenceRule[] = [
  {
    name: 'guard.negated',
    language: 'en',
    pattern:
      /\b(?:don't|dont|do not|never|can't|cant|cannot|won't|wont|wouldn't|shouldn't|didn't|not) (?:ever )?(?:(?:you|just|please|really|want to|need to|ever|go|gonna|going to) )?(?:stop|quit|end|cancel)\b(?: \w+){0,3}/g,
  },
  {
    name: 'guard.negated',
    language: 'fr',
    pattern: /\bn'(?:arret|cess|stopp)\w* (?:\w+ )?pas\b(?: \w+){0,3}|\bne (?:pas |jamais )?(?:arret|cess|stopp)\w*\b(?: \w+){0,3}/g,
  },
  { name: 'guard.negated', language: 'es', pattern: /\b(?:no|nunca) (?:paren|pares|dejen de|dejes de|cancelen|canceles)\b(?: \w+){0,3}/g },
  // "didn't want it to end", "never want this to stop": the customer wants more, not less.
  {
    name: 'guard.negated',
    language: 'en',
    pattern: /\b(?:don't|dont|do not|didn't|didnt|did not|never|not) want (?:it|this|that|them|these|the \w+) to (?:stop|end)\b/g,
  },
  // Asked and refused at once: "Unsubscribe? No way, keep them coming".
  {
    name: 'guard.negated',
    language: 'en',
    pattern: /\b(?:stop|unsubscribe|unsub|cancel|quit|opt out)(?: me)? (?:no way|nope|no chance|hell no|of course not|never|no thanks|no)\b(?: \w+){0,3}/g,
  },
  // Not wanting to leave: "I do not want to unsubscribe", "don't unsubscribe me", "je ne veux pas me désabonner".
  {
    name: 'guard.negated',
    language: 'en',
    pattern: /\b(?:don't|dont|do not|never|not) (?:want to |wish to |need to )?(?:unsubscribe|unsub|opt out|optout|revoke)\b(?: \w+){0,2}/g,
  },
  {
    name: 'guard.negated',
    language: 'fr',
    pattern: /\bne (?:\w+ ){0,2}pas (?:me |vous )?(?:desabonn|desinscri|arret)\w*\b(?: \w+){0,2}|\bne vous arretez pas\b/g,
  },
  { name: 'guard.negated', language: 'es', pattern: /\bno (?:quiero |deseo )?(?:darme de baja|dar de baja|desuscribirme|cancelar la suscripcion)\b/g },
  { name: 'guard.negated', language: 'de', pattern: /\bnicht (?:\w+ )?(?:abmelden|austragen|abbestellen|aufhoren)\b/g },
  { name: 'guard.negated', language: 'pt', pattern: /\bnao (?:quero |desejo )?(?:sair|parem|pare|cancelar|descadastr\w*)\b(?: \w+){0,3}/g },
  { name: 'guard.negated', language: 'it', pattern: /\bnon (?:voglio )?(?:disiscriv\w*|smettete|smettere|annullare|cancellar\w*)\b(?: \w+){0,3}/g },
];

/** A revocation word used without the intent to revoke. */
const GUARDS: SentenceRule[] = [
  // "what time do you stop serving?", "when does the sale end", "where is the bus stop"
  {
    name: 'guard.question',
    language: 'en',
    pattern:
      /^(?:what|when|where|which|why|how late|how long|how do|how can|can i|could i|at what|does|do you|is|are|will|did)\b(?!.*\b(?:texting|messaging|messages|texts|text me|unsubscribe|opt)\b)/,
  },
  { name: 'guard.question', language: 'fr', pattern: /^(?:a quelle heure|quand|ou|pourquoi|est ce que)\b(?!.*\b(?:messages?|sms|desabonn|desinscri)\w*)/ },
  { name: 'guard.question', language: 'es', pattern: /^(?:a que hora|cuando|donde|por que|que)\b(?!.*\b(?:mensajes?|sms|baja)\b)/ },
  {
    name: 'guard.not_about_messages',
    language: 'en',
    pattern:
      /\b(?:bus stop|stop by|stop in|stopped by|non ?stop|weekend|end of|the end|in the end|cancel(?:led|ed)? (?:my|the|our) (?:\w+ )?(?:order|appointment|booking|reservation|flight|table|membership))\b/,
  },
  {
    name: 'guard.not_about_messages',
    language: 'en',
    pattern:
      /\bstop sign\b|\bquit (?:my|the|our) (?:job|gym|class|team|club)\b|\brevoke (?:the|this|that|my) (?:\w+ )?(?:coupon|code|offer|voucher|order|discount)\b/,
  },
  // "Quiero cancelar mi pedido", "annuler ma commande", "cancelar minha consulta": a revocation word whose object is not the messages.
  {
    name: 'guard.not_about_messages',
    language: 'es',
    pattern:
      /\b(?:cancelar|annuler|annulla(?:re)?|stornieren) (?:mi|mis|meu|minha|meus|minhas|ma|mon|mes|il mio|la mia|el|la|o|a|meine[nm]?) (?:\w+ )?(?:pedido|cita|reserva|consulta|compra|commande|rendez vous|reservation|ordine|appuntamento|prenotazione|bestellung|termin)s?\b/,
  },
  { name: 'guard.not_about_messages', language: 'fr', pattern: /\b(?:bus|train|tram) s'arrete\b|\bs'arrete (?:devant|a cote|pres)\b/ },
  // "J'ai arrêté de fumer", "arrêter de fumer": stopping something else; "arrêtez de m'écrire" is a sentence above.
  {
    name: 'guard.not_about_messages',
    language: 'fr',
    pattern: /\b(?:ai|avons|ont) (?:arrete|stoppe|cesse)\b|\b(?:arret\w*|cess\w*) (?:de|d') (?!m'|me |nous )\w+/,
  },
  // "stop the car", "end the call", "cancel my order": a mandatory word with an object that is not the messages.
  {
    name: 'guard.not_about_messages',
    language: 'en',
    pattern: new RegExp(
      `\\b(?:stop|cancel|end|quit|revoke) (?:my|the|our|his|her|their|a|an|your) (?!(?:subscriptions?|account|membership|plan|service|number|phone|consent|permission|${EN_SENDING})\\b)\\w+`,
    ),
  },
];

/**
 * Revocation words whose object could be the messages or something else ("cancel my
 * subscription" sent to an SMS number): a person would ask.
 */
const UNCLEAR_OBJECT: SentenceRule = {
  name: 'unclear.object',
  language: 'en',
  pattern: /\b(?:stop|cancel|end|quit) (?:my|the|our|this|your) (?:subscriptions?|account|membership|plan|service)\b/,
};

/** Quotation marks, not apostrophes: a keyword between them is mentioned, not said ("STOP" is what my kid typed). */
const QUOTED = /["\u201c\u201d\u201e\u00ab\u00bb]([^"\u201c\u201d\u201e\u00ab\u00bb]{1,60})["\u201c\u201d\u201e\u00ab\u00bb]/gu;

/** Revocation words that count anywhere in a short reply when no guard applies (be generous). */
const REVOCATION_WORDS: SentenceRule[] = [
  { name: 'word.en.revocation', language: 'en', pattern: /\b(?:stop|stopall|quit|end|revoke|cancel|unsubscribe)\b/ },
  { name: 'word.fr.revocation', language: 'fr', pattern: /\b(?:arret|arrete|arreter|arretez|stoppez|desabonner|desinscrire)\b/ },
  { name: 'word.es.revocation', language: 'es', pattern: /\b(?:baja|alto|parar|cancelar|basta)\b/ },
];

/** Opt-in sentences: kept narrow, a false opt-in is worse than a missed one. */
const OPT_IN_SENTENCES: SentenceRule[] = [
  {
    name: 'sentence.en.resubscribe',
    language: 'en',
    pattern:
      /^(?:please )?(?:re ?subscribe|subscribe|sign) me(?: up)?(?: again| back)?(?: please)?$|^(?:start|resume) (?:sending|texting)(?: me)?(?: again)?(?: please)?$|^opt (?:me )?in(?: again)?$/,
  },
  { name: 'sentence.fr.reabonner', language: 'fr', pattern: /^(?:je veux me |je souhaite me )?(?:re)?abonne[rz]? moi(?: svp)?$|^(?:re)?abonnez moi(?: svp)?$/ },
  { name: 'sentence.es.alta', language: 'es', pattern: /^(?:quiero )?(?:darme|dame|denme) de alta(?: por favor)?$/ },
];

/** Longest reply in which a bare revocation word is still read as a revocation. */
const SHORT_REPLY_WORDS = 12;

function buildKeywordIndex(extra?: SenderKeywords): Map<string, KeywordEntry> {
  const index = new Map<string, KeywordEntry>();
  const add = (source: 'keyword' | 'sender_keyword', language: string, intent: KeywordIntent, word: string) => {
    const key = keywordKey(word);
    if (!key || index.has(key)) return;
    index.set(key, {
      intent,
      language,
      scope: intent === 'opt_out' && CHANNEL_WIDE.has(key) ? 'channel' : intent === 'opt_out' ? 'sender' : null,
      rule: `${source}.${language}.${key}`,
    });
  };
  // Defaults first, so that a sender's keyword can never override a default one.
  for (const [language, sets] of Object.entries(DEFAULT_KEYWORDS)) {
    for (const intent of ['opt_out', 'opt_in', 'help'] as const) for (const word of sets[intent]) add('keyword', language, intent, word);
  }
  for (const [language, sets] of Object.entries(extra ?? {})) {
    for (const intent of ['opt_out', 'opt_in', 'help'] as const) for (const word of sets[intent] ?? []) add('sender_keyword', language, intent, word);
  }
  return index;
}

const DEFAULT_INDEX = buildKeywordIndex();

/** The default intent of a keyword, if it is one: senders may not give it another meaning. */
export function defaultKeywordIntent(word: string): KeywordIntent | null {
  return DEFAULT_INDEX.get(keywordKey(word))?.intent ?? null;
}

/** "stop please", "arrêt svp merci", "stop all": the keyword once, with filler only. */
function matchKeyword(tokens: string[], index: Map<string, KeywordEntry>): { entry: KeywordEntry; all: boolean } | null {
  const whole = index.get(tokens.join('').replace(/'/g, ''));
  if (whole) return { entry: whole, all: false };
  // The keyword is a run of up to three tokens ("opt out", "darme de baja") and every other
  // token is filler (or, for an opt-out, "all"): so the run covers every token that is neither.
  // Counting those once keeps this linear however long the reply.
  let first = -1;
  let last = -1;
  let allWords = 0; // "all" words anywhere
  let allNotFiller = 0; // of which not filler either ("tout" is both)
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (ALL_WORDS.has(t)) {
      allWords++;
      if (!FILLER.has(t)) allNotFiller++;
    } else if (!FILLER.has(t)) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first >= 0 && last - first >= 3) return null;
  const from = first < 0 ? 0 : Math.max(0, last - 2);
  const to = first < 0 ? tokens.length - 1 : first;
  for (let start = from; start <= to; start++) {
    for (let len = Math.min(3, tokens.length - start); len >= 1 && start + len > last; len--) {
      const entry = index.get(
        tokens
          .slice(start, start + len)
          .join('')
          .replace(/'/g, ''),
      );
      if (!entry) continue;
      let allInRun = 0;
      let allNotFillerInRun = 0;
      for (let i = start; i < start + len; i++) {
        if (ALL_WORDS.has(tokens[i])) {
          allInRun++;
          if (!FILLER.has(tokens[i])) allNotFillerInRun++;
        }
      }
      if (entry.intent === 'opt_out') return { entry, all: allWords - allInRun > 0 };
      if (allNotFiller - allNotFillerInRun === 0) return { entry, all: false };
    }
  }
  return null;
}

function matches(rule: SentenceRule, text: string): boolean {
  if (!rule.then) return rule.pattern.test(text);
  const head = rule.pattern.exec(text);
  return head !== null && rule.then.test(text.slice(head.index + head[0].length));
}

function firstMatch(rules: SentenceRule[], text: string): SentenceRule | undefined {
  return rules.find((r) => matches(r, text));
}

const MESSAGE: ParsedReply = { intent: 'message', scope: null, matched: 'none', language: null };

/** Opt-out keywords by key, for near misses of one-word replies. */
const OPT_OUT_KEYWORDS = [...DEFAULT_INDEX].filter(([, entry]) => entry.intent === 'opt_out');

/** Letters repeated for emphasis count once: "stooop", "bajaa". */
const collapse = (word: string) => word.replace(/(\p{L})\1+/gu, '$1');

/** Whether `b` is `a` with two neighbouring letters swapped ("stpo", "qiut"). */
function transposed(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
  return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
}

/**
 * A one-word reply that is not a keyword but nearly one:
 *  - an opt-out keyword with letters repeated ("stooop", "bajaa"), or one edit away from one of
 *    five letters or more ("unsubscibe", "Stopp"), or a mandatory word with two letters swapped
 *    ("stpo"): an opt-out, since a missed revocation is a violation;
 *  - one edit away from a shorter keyword ("stp", "fine", "quiet"): a real word as often as a
 *    slip, so `unclear`.
 */
function matchNearMiss(tokens: string[]): { entry: KeywordEntry; sure: boolean; how: string } | null {
  // A lone word counts even when it is filler elsewhere ("stp" is "s'il te plaît" after a keyword).
  const content = tokens.length === 1 ? tokens : tokens.filter((t) => !FILLER.has(t));
  if (content.length !== 1 || content[0].length < 3) return null;
  const word = content[0];
  let near: KeywordEntry | null = null;
  for (const [key, entry] of OPT_OUT_KEYWORDS) {
    if (collapse(word) === collapse(key)) return { entry, sure: true, how: 'repeated' };
    if (Math.abs(key.length - word.length) > 1) continue;
    if (key.length >= 5 && distance(key, word) === 1) return { entry, sure: true, how: 'typo' };
    if (key.length >= 4 && MANDATORY_OPT_OUT_WORDS.includes(key) && transposed(key, word)) return { entry, sure: true, how: 'typo' };
    if (!near && key.length >= 3 && distance(key, word) === 1) near = entry;
  }
  return near && { entry: near, sure: false, how: 'near' };
}

/** The language of the revocation word or opt-out keyword a quoted span holds; undefined when it holds none. */
function revocationIn(span: string): string | undefined {
  const text = normaliseReply(span);
  const keyword = DEFAULT_INDEX.get(keywordKey(text));
  if (keyword?.intent === 'opt_out') return keyword.language;
  return REVOCATION_WORDS.find((r) => r.pattern.test(text))?.language;
}

/**
 * Every word the rules look for (keywords, filler, and the words in the sentence patterns): the
 * material of bodies built to make a pattern backtrack, for the parser's cost test.
 */
export function parserVocabulary(): string[] {
  const words = new Set<string>([...DEFAULT_INDEX.keys(), ...FILLER, ...ALL_WORDS]);
  for (const rule of [...OPT_OUT_SENTENCES, ...NEGATED_SPANS, ...GUARDS, UNCLEAR_OBJECT, ...REVOCATION_WORDS, ...OPT_IN_SENTENCES]) {
    for (const word of `${rule.pattern.source} ${rule.then?.source ?? ''}`.match(/[a-z']{2,}/g) ?? []) words.add(word);
  }
  return [...words].sort();
}

export function parseReply(body: string, senderKeywords?: SenderKeywords): ParsedReply {
  const text = normaliseReply(body);
  if (!text) return MESSAGE;
  const tokens = text.split(' ');
  const index = senderKeywords && Object.keys(senderKeywords).length ? buildKeywordIndex(senderKeywords) : DEFAULT_INDEX;
  const keyword = matchKeyword(tokens, index);
  if (keyword) {
    const { entry, all } = keyword;
    return { intent: entry.intent, scope: all ? 'channel' : entry.scope, matched: all ? `${entry.rule}+all` : entry.rule, language: entry.language };
  }
  // A keyword in quotation marks, with more around it, is mentioned rather than said: taken out
  // like a negated one, so that only the rest of the reply can opt out.
  let quotedLanguage: string | null = null;
  const unquoted = body.replace(QUOTED, (span, inner: string) => {
    const language = revocationIn(inner);
    if (language === undefined) return span;
    quotedLanguage ??= language;
    return ' ';
  });
  const quoted = unquoted !== body;
  let rest = quoted ? normaliseReply(unquoted) : text;
  let negated: SentenceRule | undefined;
  for (const span of NEGATED_SPANS) {
    const cut = rest.replace(span.pattern, ' ');
    if (cut !== rest) [rest, negated] = [cut, negated ?? span];
  }
  const sentence = firstMatch(OPT_OUT_SENTENCES, rest);
  if (sentence) return { intent: 'opt_out', scope: sentence.scope ?? 'sender', matched: sentence.name, language: sentence.language };
  const near = negated || quoted ? null : matchNearMiss(tokens);
  if (near) {
    const { entry, sure, how } = near;
    return { intent: sure ? 'opt_out' : 'unclear', scope: sure ? entry.scope : null, matched: `${entry.rule}.${how}`, language: entry.language };
  }
  const word = firstMatch(REVOCATION_WORDS, rest);
  if (word) {
    const guard = negated ?? firstMatch(GUARDS, rest);
    if (guard) return { ...MESSAGE, matched: guard.name, language: guard.language };
    if (UNCLEAR_OBJECT.pattern.test(rest)) return { intent: 'unclear', scope: null, matched: UNCLEAR_OBJECT.name, language: UNCLEAR_OBJECT.language };
    if (tokens.length <= SHORT_REPLY_WORDS) return { intent: 'opt_out', scope: 'sender', matched: word.name, language: word.language };
    // A revocation word deep in a long message, about nothing the rules know: ask.
    return { intent: 'unclear', scope: null, matched: 'unclear.long', language: word.language };
  }
  if (negated) return { ...MESSAGE, matched: negated.name, language: negated.language };
  if (quoted) return { intent: 'unclear', scope: null, matched: 'unclear.quoted', language: quotedLanguage };
  const optIn = firstMatch(OPT_IN_SENTENCES, text);
  if (optIn) return { intent: 'opt_in', scope: null, matched: optIn.name, language: optIn.language };
  return MESSAGE;
}
