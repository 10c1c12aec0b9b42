import fc from 'fast-check';
import { MAX_INBOUND_BODY } from './inbound.dto';
import { defaultKeywordIntent, Intent, isAllReply, keywordKey, normaliseReply, OptOutScope, parserVocabulary, parseReply } from './reply-parser';

type Case = [body: string, intent: Intent, scope?: OptOutScope | null, rulePrefix?: string];

// Opt-out: docs/domain.md §4 keywords, the FCC's "any reasonable means", and how people really type them.
const OPT_OUT: Case[] = [
  ['STOP', 'opt_out', 'sender', 'keyword.en.stop'],
  ['not interested, stop', 'opt_out', 'sender', 'word.en.revocation'],
  ['I revoke my consent', 'opt_out', 'sender', 'sentence.en.unsubscribe'],
  // Typos of keywords of five letters or more, within one edit.
  ['unsubscibe', 'opt_out', 'sender', 'keyword.en.unsubscribe.typo'],
  ['Unsuscribe please', 'opt_out', 'sender', 'keyword.en.unsubscribe.typo'],
  ['abmeldn', 'opt_out', 'sender', 'keyword.de.abmelden.typo'],
  // German, Portuguese and Italian keywords and sentences.
  ['Abbestellen', 'opt_out', 'sender', 'keyword.de.abbestellen'],
  ['Bitte keine Nachrichten mehr', 'opt_out', 'sender', 'sentence.de.'],
  ['Hören Sie auf, mir zu schreiben', 'opt_out', 'sender', 'sentence.de.aufhoeren'],
  ['Bitte löschen Sie meine Nummer', 'opt_out', 'sender', 'sentence.de.aufhoeren'],
  ['Ich widerrufe meine Einwilligung', 'opt_out', 'sender', 'sentence.de.aufhoeren'],
  ['Pare de me enviar mensagens', 'opt_out', 'sender', 'sentence.pt.parem'],
  ['Não quero mais receber mensagens', 'opt_out', 'sender', 'sentence.pt.parem'],
  ['Me tire da lista', 'opt_out', 'sender', 'sentence.pt.lista'],
  ['quero me descadastrar', 'opt_out', 'sender', 'sentence.pt.lista'],
  ['Smettetela di scrivermi', 'opt_out', 'sender', 'sentence.it.smettete'],
  ['Non voglio più ricevere messaggi', 'opt_out', 'sender', 'sentence.it.smettete'],
  ['Toglietemi dalla lista', 'opt_out', 'sender', 'sentence.it.lista'],
  ['Revoco il consenso', 'opt_out', 'sender', 'sentence.it.smettete'],
  ['Disdici', 'opt_out', 'sender', 'keyword.it.disdici'],
  ['parad de enviarme cosas', 'opt_out', 'sender', 'sentence.es.dejen'],
  ['borren mi número', 'opt_out', 'sender', 'sentence.es.mensajes'],
  ['stop', 'opt_out', 'sender', 'keyword.en.stop'],
  ['Stop', 'opt_out', 'sender', 'keyword.en.stop'],
  ['stop.', 'opt_out', 'sender', 'keyword.en.stop'],
  [' Stop!! ', 'opt_out', 'sender', 'keyword.en.stop'],
  ['STOP!!!', 'opt_out', 'sender', 'keyword.en.stop'],
  ['"stop"', 'opt_out', 'sender', 'keyword.en.stop'],
  ['🛑 STOP 🛑', 'opt_out', 'sender', 'keyword.en.stop'],
  ['stop 😡', 'opt_out', 'sender', 'keyword.en.stop'],
  ['\tstop\n', 'opt_out', 'sender', 'keyword.en.stop'],
  ['ＳＴＯＰ', 'opt_out', 'sender', 'keyword.en.stop'],
  ['S T O P', 'opt_out', 'sender', 'keyword.en.stop'],
  ['STOPALL', 'opt_out', 'channel', 'keyword.en.stopall'],
  ['STOP ALL', 'opt_out', 'channel', 'keyword.en.stopall'],
  ['stop all', 'opt_out', 'channel', 'keyword.en.stopall'],
  ['Stop all.', 'opt_out', 'channel', 'keyword.en.stopall'],
  ['UNSUBSCRIBE', 'opt_out', 'sender', 'keyword.en.unsubscribe'],
  ['unsubscribe all', 'opt_out', 'channel', 'keyword.en.unsubscribe+all'],
  ['CANCEL', 'opt_out', 'sender', 'keyword.en.cancel'],
  ['END', 'opt_out', 'sender', 'keyword.en.end'],
  ['QUIT', 'opt_out', 'sender', 'keyword.en.quit'],
  ['REVOKE', 'opt_out', 'sender', 'keyword.en.revoke'],
  ['OPTOUT', 'opt_out', 'sender', 'keyword.en.optout'],
  ['OPT OUT', 'opt_out', 'sender', 'keyword.en.optout'],
  ['opt-out', 'opt_out', 'sender', 'keyword.en.optout'],
  ['Opt out please', 'opt_out', 'sender', 'keyword.en.optout'],
  ['stop please', 'opt_out', 'sender', 'keyword.en.stop'],
  ['Please stop', 'opt_out', 'sender', 'keyword.en.stop'],
  ['STOP NOW', 'opt_out', 'sender', 'keyword.en.stop'],
  ['stop it', 'opt_out', 'sender', 'keyword.en.stop'],
  ['Stop thank you', 'opt_out', 'sender', 'keyword.en.stop'],
  ['stop pls', 'opt_out', 'sender', 'keyword.en.stop'],
  ['unsub', 'opt_out', 'sender', 'keyword.en.unsub'],
  ['please stop texting me', 'opt_out', 'sender', 'sentence.en.stop_sending'],
  ["I can't stop getting your texts, stop texting me", 'opt_out', 'sender', 'sentence.en.stop_sending'],
  ['Please stop texting me.', 'opt_out', 'sender', 'sentence.en.stop_sending'],
  ['stop sending me messages', 'opt_out', 'sender', 'sentence.en.stop_sending'],
  ['Stop messaging me', 'opt_out', 'sender', 'sentence.en.stop_sending'],
  ['can you stop texting me?', 'opt_out', 'sender', 'sentence.en.stop_sending'],
  ['how do I stop these messages?', 'opt_out', 'sender', 'sentence.en.stop_sending'],
  ['stop contacting me', 'opt_out', 'sender', 'sentence.en.stop_sending'],
  ['Quit texting me', 'opt_out', 'sender', 'sentence.en.stop_sending'],
  ['I want you to stop sending me texts', 'opt_out', 'sender', 'sentence.en.stop_sending'],
  ['stop the spam', 'opt_out', 'sender', 'sentence.en.stop_sending'],
  ['stop bothering me', 'opt_out', 'sender', 'sentence.en.stop_sending'],
  ['stop all messages', 'opt_out', 'channel', 'sentence.en.stop_all'],
  ['stop everything', 'opt_out', 'channel', 'keyword.en.stop+all'],
  ['unsubscribe me', 'opt_out', 'sender', 'keyword.en.unsubscribe'],
  ['Unsubscribe me please', 'opt_out', 'sender', 'keyword.en.unsubscribe'],
  ['please unsubscribe me from this', 'opt_out', 'sender', 'sentence.en.unsubscribe'],
  ['I want to unsubscribe', 'opt_out', 'sender', 'sentence.en.unsubscribe'],
  ['how do I unsubscribe?', 'opt_out', 'sender', 'sentence.en.unsubscribe'],
  ['opt me out', 'opt_out', 'sender', 'sentence.en.unsubscribe'],
  ['I revoke my consent', 'opt_out', 'sender', 'sentence.en.unsubscribe'],
  ['remove me from this list', 'opt_out', 'sender', 'sentence.en.remove_me'],
  ['Remove me from your list', 'opt_out', 'sender', 'sentence.en.remove_me'],
  ['remove me', 'opt_out', 'sender', 'keyword.en.removeme'],
  ['take me off your list', 'opt_out', 'sender', 'sentence.en.remove_me'],
  ['delete my number', 'opt_out', 'sender', 'sentence.en.remove_me'],
  ['please take my number off your list', 'opt_out', 'sender', 'sentence.en.remove_me'],
  ["don't text me", 'opt_out', 'sender', 'sentence.en.dont_contact'],
  ['Don’t text me again', 'opt_out', 'sender', 'sentence.en.dont_contact'],
  ['do not contact me', 'opt_out', 'sender', 'sentence.en.dont_contact'],
  ['never message me again', 'opt_out', 'sender', 'sentence.en.dont_contact'],
  ['no more texts', 'opt_out', 'sender', 'sentence.en.no_more'],
  ['No more messages please', 'opt_out', 'sender', 'sentence.en.no_more'],
  ["I don't want these messages", 'opt_out', 'sender', 'sentence.en.no_more'],
  ['I do not want to receive this', 'opt_out', 'sender', 'sentence.en.no_more'],
  ['leave me alone', 'opt_out', 'sender', 'sentence.en.leave_alone'],
  ['wrong number', 'opt_out', 'sender', 'sentence.en.leave_alone'],
  ['Who is this? Stop', 'opt_out', 'sender', 'sentence.en.leave_alone'],
  ['ok stop', 'opt_out', 'sender', 'keyword.en.stop'],
  ['stop stop stop', 'opt_out', 'sender', 'word.en.revocation'],
  ['STOP this is annoying', 'opt_out', 'sender', 'sentence.en.stop_sending'],
  ['I said stop', 'opt_out', 'sender', 'word.en.revocation'],
  ['end please', 'opt_out', 'sender', 'keyword.en.end'],
  // French
  ['ARRET', 'opt_out', 'sender', 'keyword.fr.arret'],
  ['Arrêt', 'opt_out', 'sender', 'keyword.fr.arret'],
  ['ARRÊT', 'opt_out', 'sender', 'keyword.fr.arret'],
  ['arrêt svp', 'opt_out', 'sender', 'keyword.fr.arret'],
  ['Arrêt, merci', 'opt_out', 'sender', 'keyword.fr.arret'],
  ['ARRETE', 'opt_out', 'sender', 'keyword.fr.arrete'],
  ['arrêtez', 'opt_out', 'sender', 'keyword.fr.arretez'],
  ['Arrêter', 'opt_out', 'sender', 'keyword.fr.arreter'],
  ['DESABONNER', 'opt_out', 'sender', 'keyword.fr.desabonner'],
  ['désabonner', 'opt_out', 'sender', 'keyword.fr.desabonner'],
  ['DÉSABONNER', 'opt_out', 'sender', 'keyword.fr.desabonner'],
  ['désinscription', 'opt_out', 'sender', 'keyword.fr.desinscription'],
  ['arrêt tout', 'opt_out', 'channel', 'keyword.fr.arret+all'],
  ['STOP svp', 'opt_out', 'sender', 'keyword.en.stop'],
  ['je ne veux plus recevoir de messages', 'opt_out', 'sender', 'sentence.fr.ne_plus'],
  ['Je ne veux plus recevoir vos SMS', 'opt_out', 'sender', 'sentence.fr.ne_plus'],
  ["ne m'envoyez plus rien", 'opt_out', 'sender', 'sentence.fr.ne_plus'],
  ['Ne m’écrivez plus', 'opt_out', 'sender', 'sentence.fr.ne_plus'],
  ['plus de messages svp', 'opt_out', 'sender', 'sentence.fr.ne_plus'],
  // "plus" twice: what follows the first is what counts ("ne ... plus" then "sms" later).
  ["n'envoyez plus sms plus", 'opt_out', 'sender', 'sentence.fr.ne_plus'],
  ["arrêtez de m'envoyer des messages", 'opt_out', 'sender', 'sentence.fr.arretez'],
  ['arretez les sms', 'opt_out', 'sender', 'sentence.fr.arretez'],
  ['désinscrivez-moi', 'opt_out', 'sender', 'sentence.fr.desinscrire'],
  ['désabonnez moi svp', 'opt_out', 'sender', 'sentence.fr.desinscrire'],
  ['retirez moi de la liste', 'opt_out', 'sender', 'sentence.fr.desinscrire'],
  ['supprimez mon numéro', 'opt_out', 'sender', 'sentence.fr.desinscrire'],
  ['laissez-moi tranquille', 'opt_out', 'sender', 'sentence.fr.desinscrire'],
  ['Je veux arrêter', 'opt_out', 'sender', 'word.fr.revocation'],
  // Spanish
  ['BAJA', 'opt_out', 'sender', 'keyword.es.baja'],
  ['baja', 'opt_out', 'sender', 'keyword.es.baja'],
  ['Baja por favor', 'opt_out', 'sender', 'keyword.es.baja'],
  ['ALTO', 'opt_out', 'sender', 'keyword.es.alto'],
  ['PARAR', 'opt_out', 'sender', 'keyword.es.parar'],
  ['CANCELAR', 'opt_out', 'sender', 'keyword.es.cancelar'],
  ['¡Basta!', 'opt_out', 'sender', 'keyword.es.basta'],
  ['no más mensajes', 'opt_out', 'sender', 'sentence.es.no_mas'],
  ['No mas mensajes por favor', 'opt_out', 'sender', 'sentence.es.no_mas'],
  ['no me manden más', 'opt_out', 'sender', 'sentence.es.no_mas'],
  ['ya no quiero recibir mensajes', 'opt_out', 'sender', 'sentence.es.no_mas'],
  ['no quiero recibir sus mensajes', 'opt_out', 'sender', 'sentence.es.no_mas'],
  ['dejen de enviarme mensajes', 'opt_out', 'sender', 'sentence.es.dejen'],
  ['deja de escribirme', 'opt_out', 'sender', 'sentence.es.dejen'],
  ['darme de baja', 'opt_out', 'sender', 'keyword.es.darmedebaja'],
  ['quiero darme de baja', 'opt_out', 'sender', 'sentence.es.baja'],
  ['quiero la baja', 'opt_out', 'sender', 'sentence.es.baja'],
  ['sáquenme de la lista', 'opt_out', 'sender', 'sentence.es.baja'],
  ['cancelar mi suscripción', 'opt_out', 'sender', 'sentence.es.baja'],
  ['eliminarme de la lista por favor', 'opt_out', 'sender', 'sentence.es.baja'],
  // Others worth shipping
  ['ABMELDEN', 'opt_out', 'sender', 'keyword.de.abmelden'],
  ['keine Nachrichten mehr', 'opt_out', 'sender', 'sentence.de.abmelden'],
  ['SAIR', 'opt_out', 'sender', 'keyword.pt.sair'],
  ['ANNULLA', 'opt_out', 'sender', 'keyword.it.annulla'],
];

const OPT_IN: Case[] = [
  ['START', 'opt_in', null, 'keyword.en.start'],
  ['start', 'opt_in', null, 'keyword.en.start'],
  ['Start.', 'opt_in', null, 'keyword.en.start'],
  ['YES', 'opt_in', null, 'keyword.en.yes'],
  ['yes!', 'opt_in', null, 'keyword.en.yes'],
  ['Yes please', 'opt_in', null, 'keyword.en.yes'],
  ['UNSTOP', 'opt_in', null, 'keyword.en.unstop'],
  ['SUBSCRIBE', 'opt_in', null, 'keyword.en.subscribe'],
  ['resubscribe', 'opt_in', null, 'keyword.en.resubscribe'],
  ['opt in', 'opt_in', null, 'keyword.en.optin'],
  ['subscribe me again', 'opt_in', null, 'sentence.en.resubscribe'],
  ['start sending me again please', 'opt_in', null, 'sentence.en.resubscribe'],
  ['OUI', 'opt_in', null, 'keyword.fr.oui'],
  ['oui merci', 'opt_in', null, 'keyword.fr.oui'],
  ['ABONNER', 'opt_in', null, 'keyword.fr.abonner'],
  ['réabonnez-moi', 'opt_in', null, 'sentence.fr.reabonner'],
  ['SI', 'opt_in', null, 'keyword.es.si'],
  ['Sí', 'opt_in', null, 'keyword.es.si'],
  ['ALTA', 'opt_in', null, 'keyword.es.alta'],
  ['quiero darme de alta', 'opt_in', null, 'sentence.es.alta'],
];

const HELP: Case[] = [
  ['HELP', 'help', null, 'keyword.en.help'],
  ['help', 'help', null, 'keyword.en.help'],
  ['Help?', 'help', null, 'keyword.en.help'],
  ['help please', 'help', null, 'keyword.en.help'],
  ['INFO', 'help', null, 'keyword.en.info'],
  ['AIDE', 'help', null, 'keyword.fr.aide'],
  ['aide svp', 'help', null, 'keyword.fr.aide'],
  ['AYUDA', 'help', null, 'keyword.es.ayuda'],
  ['¿Ayuda?', 'help', null, 'keyword.es.ayuda'],
];

// Ordinary messages: the word is there, the intent is not.
const MESSAGES: Case[] = [
  ["don't stop the deals!", 'message', null, 'guard.negated'],
  ["Don't stop sending deals", 'message', null, 'guard.negated'],
  ['never stop', 'message', null, 'guard.negated'],
  ["I can't stop smiling", 'message', null, 'guard.negated'],
  ['please do not cancel my order', 'message', null, 'guard.negated'],
  ['what time do you stop serving?', 'message', null, 'guard.question'],
  ['When does the sale end?', 'message', null, 'guard.question'],
  ['where is the bus stop', 'message', null, 'guard'],
  ['is the promo going to end soon?', 'message', null, 'guard.question'],
  ["I'll stop by the store tomorrow", 'message', null, 'guard.not_about_messages'],
  ['see you at the end of the week', 'message', null, 'guard.not_about_messages'],
  ['great weekend deals', 'message', null, 'none'],
  ['have a great weekend, stop by anytime', 'message', null, 'guard.not_about_messages'],
  ['I need to cancel my appointment', 'message', null, 'guard.not_about_messages'],
  ['non-stop flights to Paris?', 'message', null, 'guard'],
  ['hello', 'message', null, 'none'],
  ['Thanks!', 'message', null, 'none'],
  ['what are your opening hours?', 'message', null, 'none'],
  ['can I change my order', 'message', null, 'none'],
  ['yes, 3pm works for me', 'message', null, 'none'],
  ['yes I will be there at noon', 'message', null, 'none'],
  ['start time of the event?', 'message', null, 'none'],
  ['is this still available', 'message', null, 'none'],
  ['👍', 'message', null, 'none'],
  ['', 'message', null, 'none'],
  ['   ', 'message', null, 'none'],
  ['!!!', 'message', null, 'none'],
  ['stopwatch for sale', 'message', null, 'none'],
  ['unstoppable deals!', 'message', null, 'none'],
  ['I love these deals, keep them coming', 'message', null, 'none'],
  ['n’arrêtez pas les promos !', 'message', null, 'guard.negated'],
  ['à quelle heure fermez-vous ? vous arrêtez à 20h ?', 'message', null, 'guard.question'],
  ['bonjour, ma commande est arrivée', 'message', null, 'none'],
  ['merci beaucoup', 'message', null, 'none'],
  ['quand est-ce que la vente se termine', 'message', null, 'none'],
  ['no paren de enviar ofertas', 'message', null, 'guard.negated'],
  ['no dejen de mandarme ofertas', 'message', null, 'guard.negated'],
  ['¿a qué hora cierran?', 'message', null, 'none'],
  ['hola, quiero saber el precio', 'message', null, 'none'],
  ['gracias', 'message', null, 'none'],
  [
    'the stop sign near your shop is broken and everyone drives through it without looking at all, someone will get hurt soon',
    'message',
    null,
    'guard.not_about_messages',
  ],
  // Not wanting to leave, in every language read.
  ['I do not want to unsubscribe', 'message', null, 'guard.negated'],
  ["don't unsubscribe me, I just changed my number", 'message', null, 'guard.negated'],
  ['Je ne veux pas me désabonner', 'message', null, 'guard.negated'],
  ['Ne vous arrêtez pas, j’adore vos promos', 'message', null, 'guard.negated'],
  ['No quiero darme de baja', 'message', null, 'guard.negated'],
  ['Ich möchte mich nicht abmelden', 'message', null, 'guard.negated'],
  ['Não quero sair da lista', 'message', null, 'guard.negated'],
  ['Não parem de mandar cupons', 'message', null, 'guard.negated'],
  ['Non voglio disiscrivermi', 'message', null, 'guard.negated'],
  ['Non smettete di mandare coupon', 'message', null, 'guard.negated'],
  // A revocation word whose object is not the messages.
  ['Quiero cancelar mi pedido', 'message', null, 'guard.not_about_messages'],
  ['Preciso cancelar minha consulta', 'message', null, 'guard.not_about_messages'],
  ['I want to cancel my gym membership', 'message', null, 'guard.not_about_messages'],
  ['Le bus s’arrête devant votre magasin ?', 'message', null, 'guard.'],
  ['how do I stop my subscription box from renewing?', 'message', null, 'guard.question'],
  // Words that are not about the messages, and a negation that is not one.
  ['Is this the end of the promotion?', 'message', null, 'guard.'],
  ['I quit my job lol, need a discount', 'message', null, 'guard.not_about_messages'],
  ['Revoke the old coupon and send me the new one', 'message', null, 'guard.not_about_messages'],
  // A mandatory word with two letters swapped is a slip of the finger; a repeated letter is emphasis.
  ['stpo', 'opt_out', 'sender', 'keyword.en.stop.typo'],
  ['stooop', 'opt_out', 'sender', 'keyword.en.stop.repeated'],
  ['bajaa', 'opt_out', 'sender', 'keyword.es.baja.repeated'],
  ['cancer', 'opt_out', 'sender', 'keyword.en.cancel.typo'],
];

// Replies a careful person would not decide alone: the service asks once (InboundService).
const UNCLEAR: Case[] = [
  // One edit from a keyword of fewer than five letters: as often a word of its own.
  ['stp', 'unclear', null, 'keyword.en.stop.near'],
  ['Fine', 'unclear', null, 'keyword.fr.fin.near'],
  ['quiet', 'unclear', null, 'keyword.en.quit.near'],
  // Mentioned, not said: a keyword in quotation marks with more around it.
  ['"STOP" is what my kid typed, ignore that', 'unclear', null, 'unclear.quoted'],
  ['Mon fils a écrit « arrêt » par erreur', 'unclear', null, 'unclear.quoted'],
  // ... unless the rest says it.
  ['He said "stop" and so do I: stop texting me', 'opt_out', 'sender', 'sentence.en.stop_sending'],
  // The object could be the messages or something else.
  ['cancel my subscription', 'unclear', null, 'unclear.object'],
  ['Please end the service', 'unclear', null, 'unclear.object'],
  // A revocation word deep in a long message that says nothing else the rules know.
  ['we talked about it at dinner yesterday and honestly we think you should stop, we will see what happens next month', 'unclear', null, 'unclear.long'],
  // Read as a person would, these are decided.
  ['Unsubscribe? No way, keep them coming', 'message', null, 'guard.negated'],
  ['The show was great, didn’t want it to end', 'message', null, 'guard.negated'],
  ['J’ai arrêté de fumer grâce à vous 😄', 'message', null, 'guard.not_about_messages'],
  ['Stop the car, I am outside', 'message', null, 'guard.not_about_messages'],
  ['fin', 'opt_out', 'sender', 'keyword.fr.fin'],
];

describe('parseReply', () => {
  const table = [...OPT_OUT, ...OPT_IN, ...HELP, ...MESSAGES, ...UNCLEAR];

  it('has a large table across English, French and Spanish', () => {
    expect(table.length).toBeGreaterThanOrEqual(150);
    expect(OPT_OUT.filter(([, , , rule]) => rule?.includes('.fr.')).length).toBeGreaterThanOrEqual(15);
    expect(OPT_OUT.filter(([, , , rule]) => rule?.includes('.es.')).length).toBeGreaterThanOrEqual(15);
  });

  it.each(table)('%j is %s (scope %s, rule %s)', (body, intent, scope, rulePrefix) => {
    const parsed = parseReply(body);
    expect(parsed.intent).toBe(intent);
    if (scope !== undefined) expect(parsed.scope).toBe(scope);
    if (rulePrefix !== undefined) expect(parsed.matched.startsWith(rulePrefix)).toBe(true);
  });

  it('names the language of the keyword that matched', () => {
    expect(parseReply('Arrêt').language).toBe('fr');
    expect(parseReply('BAJA').language).toBe('es');
    expect(parseReply('stop').language).toBe('en');
    expect(parseReply('hello').language).toBeNull();
  });

  it('reads the FCC words as opt-out in any short sentence, whatever surrounds them', () => {
    for (const word of ['stop', 'quit', 'end', 'revoke', 'opt out', 'cancel', 'unsubscribe']) {
      expect(parseReply(`ok ${word} now`).intent).toBe('opt_out');
      expect(parseReply(`I said ${word}!`).intent).toBe('opt_out');
    }
  });

  describe('sender keywords', () => {
    const custom = { en: { opt_out: ['ENOUGH', 'NO THANKS'], opt_in: ['DEALS'], help: ['SUPPORT'] }, nl: { opt_out: ['AFMELDEN'] } };

    it('adds keywords in any language, named as sender keywords', () => {
      expect(parseReply('enough!', custom)).toEqual({ intent: 'opt_out', scope: 'sender', matched: 'sender_keyword.en.enough', language: 'en' });
      expect(parseReply('No thanks', custom).intent).toBe('opt_out');
      expect(parseReply('DEALS', custom)).toMatchObject({ intent: 'opt_in', matched: 'sender_keyword.en.deals' });
      expect(parseReply('support', custom).intent).toBe('help');
      expect(parseReply('Afmelden', custom)).toMatchObject({ intent: 'opt_out', language: 'nl' });
    });

    it('never lets a sender keyword override a default one', () => {
      const hostile = { en: { opt_in: ['STOP'], help: ['CANCEL'] } };
      expect(parseReply('STOP', hostile).intent).toBe('opt_out');
      expect(parseReply('cancel', hostile).intent).toBe('opt_out');
    });

    it('leaves other senders unaffected', () => {
      expect(parseReply('enough!').intent).toBe('message');
    });
  });

  it('reports the default meaning of a keyword', () => {
    expect(defaultKeywordIntent('Opt-Out')).toBe('opt_out');
    expect(defaultKeywordIntent('oui')).toBe('opt_in');
    expect(defaultKeywordIntent('aide')).toBe('help');
    expect(defaultKeywordIntent('enough')).toBeNull();
  });
});

describe('normaliseReply', () => {
  it.each([
    [' Stop!! ', 'stop'],
    ['ARRÊT', 'arret'],
    ['¡No más mensajes!', 'no mas mensajes'],
    ['Don’t stop 🙏', "don't stop"],
    ['STOP\u200b', 'stop'],
    ["'stop'", 'stop'],
  ])('%j becomes %j', (input, expected) => {
    expect(normaliseReply(input)).toBe(expected);
  });

  it('compares keywords without spaces or hyphens', () => {
    expect(keywordKey('Opt-Out')).toBe('optout');
    expect(keywordKey('STOP ALL')).toBe('stopall');
  });
});

describe('cost: any reply of the largest size is read in linear time', () => {
  // A webhook body is at most MAX_INBOUND_BODY characters. Bodies built to make a backtracking
  // pattern retry at every position (a run of one rule's words, apostrophes inside a word) must
  // cost about what an ordinary body costs: under 10 ms each (about 1 ms alone). A run counts
  // the lesser of its wall time and the process's CPU time: under a loaded CI machine the first
  // grows with preemption and the second with the garbage collector's helper threads, which
  // count as the process's; neither grows for both at once. Best of five runs.
  const fill = (unit: string, prefix = '', suffix = '') =>
    (prefix + unit.repeat(Math.ceil(MAX_INBOUND_BODY / unit.length))).slice(0, MAX_INBOUND_BODY - suffix.length) + suffix;
  const cpuMs = (body: string) => {
    parseReply(body);
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const wall = process.hrtime.bigint();
      const started = process.cpuUsage();
      parseReply(body);
      const used = process.cpuUsage(started);
      const wallMs = Number(process.hrtime.bigint() - wall) / 1e6;
      best = Math.min(best, wallMs, (used.user + used.system) / 1000);
    }
    return best;
  };
  const words = parserVocabulary();
  const bodies: [string, string][] = [
    ['apostrophes', fill("'")],
    ['apostrophes inside a word', fill("'", 'a', 'b')],
    ['spaces', fill(' ')],
    ['punctuation', fill('!?')],
    ['combining accents', fill('e\u0301')],
    ['emoji', fill('😀')],
    ['one long word', fill('x')],
    ['digits', fill('1')],
    ["n'n'n'", fill("n'")],
    ['quotation marks', fill('"')],
    ['quoted keywords', fill('"stop" ')],
    ['guillemets', fill('« arrêt » ')],
    ...words.flatMap((w): [string, string][] => [
      [`"${w} " repeated`, fill(`${w} `)],
      [`"${w}'" repeated`, fill(`${w}'`)],
      [`"${w}" repeated`, fill(w)],
      [`"${w} x x x " repeated`, fill(`${w} x x x `)],
      [`"not ${w} " repeated`, fill(`not ${w} `)],
      [`"ne ${w} " repeated`, fill(`ne ${w} `)],
      [`"${w}" then apostrophes`, fill("'", w)],
    ]),
  ];

  it(`covers the rules' own words (${words.length})`, () => {
    expect(words).toEqual(expect.arrayContaining(['stop', 'plus', 'ne', 'mas', 'remove', 'baja']));
  });

  it('every pathological body takes under 10 ms', () => {
    const slow = bodies.map(([name, body]) => ({ name, ms: cpuMs(body) })).filter((b) => b.ms >= 10);
    expect(slow).toEqual([]);
  });

  it("bodies mixing the rules' words at random take under 10 ms", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...words), fc.constantFrom(' ', "'", '', '. ', ' not ', ' ne ')), { minLength: 1, maxLength: 40 }),
        (parts) => {
          const unit = parts.map(([w, sep]) => w + sep).join('');
          expect(cpuMs(fill(unit))).toBeLessThan(10);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('isAllReply: the answer to "Reply ALL to stop every message"', () => {
  it.each(['ALL', 'all please', 'All of them', 'TOUT', 'todo', 'Alles!', 'TUDO', 'tutto grazie'])('%j is the answer', (body) => {
    expect(isAllReply(body)).toBe(true);
  });
  it.each(['', 'please', 'all good thanks', 'stop all', 'I love them all'])('%j is not', (body) => {
    expect(isAllReply(body)).toBe(false);
  });
  it('is no opt-out on its own', () => {
    expect(parseReply('ALL')).toMatchObject({ intent: 'message' });
  });
});
