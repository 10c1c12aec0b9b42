/**
 * What the pages say, in each language they offer. Every language has every message (the
 * compiler checks it); a message that names something takes it as an argument.
 */
import Negotiator from 'negotiator';
import type { Channel } from '../common/channels';
import { LOCALES, type Locale } from '../links/link-token';

export type { Locale };

export interface Messages {
  languageName: string;
  languages: string;
  // The preference centre
  preferencesTitle: (brand: string) => string;
  preferencesIntro: (brand: string) => string;
  saved: string;
  marketingHeading: string;
  marketingHelp: string;
  gridCaption: string;
  messagesColumn: string;
  notSentOn: (channel: string) => string;
  checkboxName: (campaign: string, channel: string) => string;
  notice: (brand: string) => string;
  noMarketing: string;
  alwaysHeading: string;
  alwaysHelp: string;
  purposeLabel: (purpose: 'transactional' | 'conversational') => string;
  quietHeading: string;
  quietHelp: (zone: string | null) => string;
  quietFrom: string;
  quietTo: string;
  quietHint: string;
  preferredHeading: string;
  preferredHelp: string;
  pauseHeading: string;
  pauseHelp: string;
  pauseNone: string;
  pauseKeep: (until: string) => string;
  pauseResume: string;
  pauseFor: Record<PauseLength, string>;
  pausedUntil: (until: string) => string;
  save: string;
  unsubscribeAll: string;
  unsubscribeAllHelp: string;
  unsubscribedAll: string;
  errorSummary: string;
  quietBoth: string;
  quietSame: string;
  quietFormat: string;
  // One-click unsubscribe
  unsubscribeTitle: string;
  stopsCampaign: (campaign: string, channel: string) => string;
  stopsChannel: (channel: string, brand: string) => string;
  sentTo: (address: string) => string;
  unsubscribeButton: string;
  unsubscribed: string;
  stopped: (what: string) => string;
  manage: string;
  // Errors
  invalidTitle: string;
  invalidBody: (brand: string) => string;
  expiredTitle: string;
  expiredBody: (brand: string) => string;
  formTitle: string;
  formBody: string;
  failedTitle: string;
  failedBody: string;
  badRequestTitle: string;
  badRequestBody: string;
  channel: Record<Channel, string>;
}

export const PAUSE_LENGTHS = ['P7D', 'P1M', 'P3M'] as const;
export type PauseLength = (typeof PAUSE_LENGTHS)[number];

const en: Messages = {
  languageName: 'English',
  languages: 'Language',
  preferencesTitle: (brand) => `Your messages from ${brand}`,
  preferencesIntro: (brand) => `Choose what ${brand} sends you, where, and when.`,
  saved: 'Your preferences are saved.',
  marketingHeading: 'News and offers',
  marketingHelp: 'Tick what you want to receive, on each channel.',
  gridCaption: 'News and offers, by channel',
  messagesColumn: 'Messages',
  notSentOn: (channel) => `Not sent by ${channel}`,
  checkboxName: (campaign, channel) => `${campaign}, ${channel}`,
  notice: (brand) =>
    `By ticking a box you agree that ${brand} may send you those messages on that channel. You can untick it here at any time, or reply STOP to a text message.`,
  noMarketing: 'There are no news or offers to choose from.',
  alwaysHeading: 'Messages you always get',
  alwaysHelp: 'These are about your account and what you asked for; they come whatever you choose here.',
  purposeLabel: (purpose) => (purpose === 'transactional' ? 'about your account and orders' : 'replies when you write to us'),
  quietHeading: 'Quiet hours',
  quietHelp: (zone) => `No news or offers between these times${zone ? ` (your time zone: ${zone})` : ', in your local time'}.`,
  quietFrom: 'From',
  quietTo: 'To',
  quietHint: 'Leave both empty for no quiet hours.',
  preferredHeading: 'Channels you prefer',
  preferredHelp: 'When we can reach you on several, we use these first.',
  pauseHeading: 'Pause marketing messages',
  pauseHelp: 'Take a break from news and offers: nothing is unsubscribed, and they start again by themselves.',
  pauseNone: "Don't pause",
  pauseKeep: (until) => `Keep the pause until ${until}`,
  pauseResume: 'Resume now',
  pauseFor: { P7D: 'For 1 week', P1M: 'For 1 month', P3M: 'For 3 months' },
  pausedUntil: (until) => `News and offers are paused until ${until}.`,
  save: 'Save preferences',
  unsubscribeAll: 'Unsubscribe from all',
  unsubscribeAllHelp: 'Stops all news and offers on every channel. Messages about your account still come.',
  unsubscribedAll: 'You are unsubscribed from all news and offers.',
  errorSummary: 'Nothing was saved. Please correct this:',
  quietBoth: 'Give both times, or leave both empty.',
  quietSame: 'The two times must be different.',
  quietFormat: 'Give times as hours and minutes, such as 21:00.',
  unsubscribeTitle: 'Unsubscribe',
  stopsCampaign: (campaign, channel) => `You will no longer receive “${campaign}” by ${channel}.`,
  stopsChannel: (channel, brand) => `You will no longer receive any ${channel} from ${brand}.`,
  sentTo: (address) => `Sent to ${address}`,
  unsubscribeButton: 'Unsubscribe',
  unsubscribed: 'You are unsubscribed',
  stopped: (what) => `${what} It can take a few minutes for messages already on their way.`,
  manage: 'Choose what you receive instead',
  invalidTitle: 'This link does not work',
  invalidBody: (brand) => `It may have been copied incompletely. Use the link in the most recent message from ${brand}.`,
  expiredTitle: 'This link has expired',
  expiredBody: (brand) => `Links to your preferences work for a limited time. Use the link in a more recent message from ${brand}.`,
  formTitle: 'This form has expired',
  formBody: 'Nothing was changed. Open the page again and make your choice.',
  failedTitle: 'Something went wrong on our side',
  failedBody: 'Nothing was changed. Please try again in a few minutes.',
  badRequestTitle: 'This request could not be handled',
  badRequestBody: 'Nothing was changed. Open the link again and make your choice.',
  channel: {
    sms: 'text message',
    mms: 'MMS',
    rcs: 'RCS',
    whatsapp: 'WhatsApp',
    voice: 'phone call',
    email: 'email',
    push: 'app notification',
    messenger: 'Messenger',
  },
};

const fr: Messages = {
  languageName: 'Français',
  languages: 'Langue',
  preferencesTitle: (brand) => `Vos messages de ${brand}`,
  preferencesIntro: (brand) => `Choisissez ce que ${brand} vous envoie, où et quand.`,
  saved: 'Vos préférences sont enregistrées.',
  marketingHeading: 'Actualités et offres',
  marketingHelp: 'Cochez ce que vous voulez recevoir, sur chaque canal.',
  gridCaption: 'Actualités et offres, par canal',
  messagesColumn: 'Messages',
  notSentOn: (channel) => `Pas envoyé par ${channel}`,
  checkboxName: (campaign, channel) => `${campaign}, ${channel}`,
  notice: (brand) =>
    `En cochant une case, vous acceptez que ${brand} vous envoie ces messages sur ce canal. Vous pouvez la décocher ici à tout moment, ou répondre STOP à un SMS.`,
  noMarketing: 'Il n’y a pas d’actualités ni d’offres à choisir.',
  alwaysHeading: 'Messages que vous recevez toujours',
  alwaysHelp: 'Ils concernent votre compte et ce que vous avez demandé ; vous les recevez quoi que vous choisissiez ici.',
  purposeLabel: (purpose) => (purpose === 'transactional' ? 'votre compte et vos commandes' : 'nos réponses quand vous nous écrivez'),
  quietHeading: 'Heures calmes',
  quietHelp: (zone) => `Pas d’actualités ni d’offres entre ces heures${zone ? ` (votre fuseau horaire : ${zone})` : ', à votre heure locale'}.`,
  quietFrom: 'De',
  quietTo: 'À',
  quietHint: 'Laissez les deux vides pour ne pas avoir d’heures calmes.',
  preferredHeading: 'Canaux préférés',
  preferredHelp: 'Quand nous pouvons vous joindre sur plusieurs, nous utilisons d’abord ceux-ci.',
  pauseHeading: 'Mettre en pause les messages marketing',
  pauseHelp: 'Faites une pause : vous n’êtes désinscrit de rien, et les messages reprennent d’eux-mêmes.',
  pauseNone: 'Pas de pause',
  pauseKeep: (until) => `Garder la pause jusqu’au ${until}`,
  pauseResume: 'Reprendre maintenant',
  pauseFor: { P7D: 'Pendant 1 semaine', P1M: 'Pendant 1 mois', P3M: 'Pendant 3 mois' },
  pausedUntil: (until) => `Les actualités et offres sont en pause jusqu’au ${until}.`,
  save: 'Enregistrer les préférences',
  unsubscribeAll: 'Se désinscrire de tout',
  unsubscribeAllHelp: 'Arrête toutes les actualités et offres sur tous les canaux. Les messages sur votre compte continuent.',
  unsubscribedAll: 'Vous êtes désinscrit de toutes les actualités et offres.',
  errorSummary: 'Rien n’a été enregistré. Veuillez corriger ceci :',
  quietBoth: 'Indiquez les deux heures, ou laissez les deux vides.',
  quietSame: 'Les deux heures doivent être différentes.',
  quietFormat: 'Indiquez les heures en heures et minutes, par exemple 21:00.',
  unsubscribeTitle: 'Se désinscrire',
  stopsCampaign: (campaign, channel) => `Vous ne recevrez plus « ${campaign} » par ${channel}.`,
  stopsChannel: (channel, brand) => `Vous ne recevrez plus aucun ${channel} de ${brand}.`,
  sentTo: (address) => `Envoyé à ${address}`,
  unsubscribeButton: 'Se désinscrire',
  unsubscribed: 'Vous êtes désinscrit',
  stopped: (what) => `${what} Les messages déjà en route peuvent encore arriver pendant quelques minutes.`,
  manage: 'Choisir plutôt ce que vous recevez',
  invalidTitle: 'Ce lien ne fonctionne pas',
  invalidBody: (brand) => `Il a peut-être été copié en partie. Utilisez le lien du message le plus récent de ${brand}.`,
  expiredTitle: 'Ce lien a expiré',
  expiredBody: (brand) => `Les liens vers vos préférences fonctionnent pendant un temps limité. Utilisez le lien d’un message plus récent de ${brand}.`,
  formTitle: 'Ce formulaire a expiré',
  formBody: 'Rien n’a été modifié. Ouvrez de nouveau la page et faites votre choix.',
  failedTitle: 'Un problème est survenu de notre côté',
  failedBody: 'Rien n’a été modifié. Veuillez réessayer dans quelques minutes.',
  badRequestTitle: 'Cette demande n’a pas pu être traitée',
  badRequestBody: 'Rien n’a été modifié. Ouvrez de nouveau le lien et faites votre choix.',
  channel: { sms: 'SMS', mms: 'MMS', rcs: 'RCS', whatsapp: 'WhatsApp', voice: 'appel', email: 'e-mail', push: 'notification', messenger: 'Messenger' },
};

const es: Messages = {
  languageName: 'Español',
  languages: 'Idioma',
  preferencesTitle: (brand) => `Sus mensajes de ${brand}`,
  preferencesIntro: (brand) => `Elija qué le envía ${brand}, por dónde y cuándo.`,
  saved: 'Sus preferencias se han guardado.',
  marketingHeading: 'Novedades y ofertas',
  marketingHelp: 'Marque lo que quiere recibir, en cada canal.',
  gridCaption: 'Novedades y ofertas, por canal',
  messagesColumn: 'Mensajes',
  notSentOn: (channel) => `No se envía por ${channel}`,
  checkboxName: (campaign, channel) => `${campaign}, ${channel}`,
  notice: (brand) =>
    `Al marcar una casilla, acepta que ${brand} le envíe esos mensajes por ese canal. Puede desmarcarla aquí en cualquier momento, o responder STOP a un SMS.`,
  noMarketing: 'No hay novedades ni ofertas entre las que elegir.',
  alwaysHeading: 'Mensajes que siempre recibe',
  alwaysHelp: 'Tratan de su cuenta y de lo que ha pedido; los recibe elija lo que elija aquí.',
  purposeLabel: (purpose) => (purpose === 'transactional' ? 'su cuenta y sus pedidos' : 'nuestras respuestas cuando nos escribe'),
  quietHeading: 'Horas de silencio',
  quietHelp: (zone) => `Sin novedades ni ofertas entre estas horas${zone ? ` (su zona horaria: ${zone})` : ', en su hora local'}.`,
  quietFrom: 'Desde',
  quietTo: 'Hasta',
  quietHint: 'Deje ambas vacías para no tener horas de silencio.',
  preferredHeading: 'Canales preferidos',
  preferredHelp: 'Cuando podemos contactarle por varios, usamos primero estos.',
  pauseHeading: 'Pausar los mensajes de marketing',
  pauseHelp: 'Tómese un descanso: no se da de baja de nada y los mensajes vuelven por sí solos.',
  pauseNone: 'Sin pausa',
  pauseKeep: (until) => `Mantener la pausa hasta el ${until}`,
  pauseResume: 'Reanudar ahora',
  pauseFor: { P7D: 'Durante 1 semana', P1M: 'Durante 1 mes', P3M: 'Durante 3 meses' },
  pausedUntil: (until) => `Las novedades y ofertas están en pausa hasta el ${until}.`,
  save: 'Guardar preferencias',
  unsubscribeAll: 'Darse de baja de todo',
  unsubscribeAllHelp: 'Detiene todas las novedades y ofertas en todos los canales. Los mensajes sobre su cuenta siguen llegando.',
  unsubscribedAll: 'Se ha dado de baja de todas las novedades y ofertas.',
  errorSummary: 'No se ha guardado nada. Corrija esto:',
  quietBoth: 'Indique ambas horas, o deje ambas vacías.',
  quietSame: 'Las dos horas deben ser distintas.',
  quietFormat: 'Indique las horas en horas y minutos, por ejemplo 21:00.',
  unsubscribeTitle: 'Darse de baja',
  stopsCampaign: (campaign, channel) => `Ya no recibirá «${campaign}» por ${channel}.`,
  stopsChannel: (channel, brand) => `Ya no recibirá ningún ${channel} de ${brand}.`,
  sentTo: (address) => `Enviado a ${address}`,
  unsubscribeButton: 'Darse de baja',
  unsubscribed: 'Se ha dado de baja',
  stopped: (what) => `${what} Los mensajes que ya están en camino pueden llegar durante unos minutos.`,
  manage: 'Elegir mejor lo que recibe',
  invalidTitle: 'Este enlace no funciona',
  invalidBody: (brand) => `Puede que se haya copiado de forma incompleta. Use el enlace del mensaje más reciente de ${brand}.`,
  expiredTitle: 'Este enlace ha caducado',
  expiredBody: (brand) => `Los enlaces a sus preferencias funcionan durante un tiempo limitado. Use el enlace de un mensaje más reciente de ${brand}.`,
  formTitle: 'Este formulario ha caducado',
  formBody: 'No se ha cambiado nada. Abra de nuevo la página y haga su elección.',
  failedTitle: 'Algo ha fallado por nuestra parte',
  failedBody: 'No se ha cambiado nada. Inténtelo de nuevo dentro de unos minutos.',
  badRequestTitle: 'No se ha podido atender esta solicitud',
  badRequestBody: 'No se ha cambiado nada. Abra de nuevo el enlace y haga su elección.',
  channel: {
    sms: 'SMS',
    mms: 'MMS',
    rcs: 'RCS',
    whatsapp: 'WhatsApp',
    voice: 'llamada',
    email: 'correo electrónico',
    push: 'notificación',
    messenger: 'Messenger',
  },
};

export const MESSAGES: Record<Locale, Messages> = { en, fr, es };

/**
 * The page's language: a choice made on the page (`?lang=`), else the link's, else the
 * browser's first language the pages speak (Accept-Language), else English.
 */
export function pageLocale(chosen: unknown, linkLocale: Locale | null, acceptLanguage: string | undefined): Locale {
  if (typeof chosen === 'string' && (LOCALES as readonly string[]).includes(chosen)) return chosen as Locale;
  if (linkLocale) return linkLocale;
  const [best] = new Negotiator({ headers: { 'accept-language': acceptLanguage ?? '' } }).languages([...LOCALES]);
  return (LOCALES as readonly string[]).includes(best) ? (best as Locale) : 'en';
}

/** An instant as the page's reader reads dates, in their time zone when known. */
export function formatInstant(locale: Locale, iso: string, timeZone: string | null): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: timeZone ?? 'UTC',
    timeZoneName: timeZone ? undefined : 'short',
  }).format(new Date(iso));
}
