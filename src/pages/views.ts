/**
 * The pages, as functions from what they show to HTML. Plain forms, server-rendered: they
 * work without JavaScript (there is none), in every language of messages.ts.
 */
import type { Channel } from '../common/channels';
import { LOCALES } from '../links/link-token';
import { Html, html } from './html';
import { Locale, MESSAGES, Messages, PAUSE_LENGTHS, PauseLength } from './messages';

export interface Brand {
  name: string;
  logoUrl?: string;
  /** The stylesheet's URL (same origin). */
  styleHref: string;
}

/** What every page needs: its language, the brand, and its own path (language links point at it). */
export interface PageContext {
  locale: Locale;
  brand: Brand;
  path: string;
}

export const messagesOf = (ctx: PageContext): Messages => MESSAGES[ctx.locale];

/** The page's own path in `locale` (the choice is kept in the URL: no cookie). */
export const localised = (path: string, locale: Locale): string => `${path}?lang=${locale}`;

function layout(ctx: PageContext, title: string, body: Html): Html {
  const t = messagesOf(ctx);
  const languages = LOCALES.map((l) => {
    const name = MESSAGES[l].languageName;
    return l === ctx.locale
      ? html`<li><a href="${localised(ctx.path, l)}" lang="${l}" hreflang="${l}" aria-current="true">${name}</a></li>`
      : html`<li><a href="${localised(ctx.path, l)}" lang="${l}" hreflang="${l}">${name}</a></li>`;
  });
  const logo = ctx.brand.logoUrl ? html`<img src="${ctx.brand.logoUrl}" alt="">` : null;
  return html`<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title} – ${ctx.brand.name}</title>
<link rel="stylesheet" href="${ctx.brand.styleHref}">
</head>
<body>
<header class="brand"><div class="inner">
<p class="name">${logo}<span>${ctx.brand.name}</span></p>
<nav class="languages" aria-label="${t.languages}"><ul>${languages}</ul></nav>
</div></header>
<main id="main">
${body}
</main>
</body>
</html>
`;
}

// ---------------------------------------------------------------- the preference centre

export interface CampaignRow {
  id: string;
  name: string;
  /** Per column: whether the campaign sends on that channel, and whether the box is ticked. */
  cells: { channel: Channel; offered: boolean; checked: boolean; shown: boolean }[];
}

export interface CentreView {
  action: string;
  formToken: string;
  status: 'saved' | 'unsubscribed' | null;
  errors: string[];
  columns: Channel[];
  marketing: CampaignRow[];
  always: { name: string; purpose: 'transactional' | 'conversational'; channels: Channel[] }[];
  quiet: { from: string; to: string };
  timeZone: string | null;
  preferred: { channel: Channel; checked: boolean }[];
  /** Formatted end of the pause standing, if any; `pause`: the option selected. */
  pausedUntil: string | null;
  pause: PauseChoice;
}

export type PauseChoice = 'none' | 'keep' | 'resume' | PauseLength;

export const boxValue = (campaignId: string, channel: Channel): string => `${campaignId}|${channel}`;

export function preferenceCentre(ctx: PageContext, v: CentreView): Html {
  const t = messagesOf(ctx);
  const status =
    v.status === 'saved'
      ? html`<p class="status" role="status">${t.saved}</p>`
      : v.status === 'unsubscribed'
        ? html`<p class="status" role="status">${t.unsubscribedAll}</p>`
        : null;
  const errors = v.errors.length
    ? html`<div class="errors" role="alert"><p>${t.errorSummary}</p><ul>${v.errors.map((e) => html`<li>${e}</li>`)}</ul></div>`
    : null;
  const grid = v.marketing.length
    ? html`<div class="grid-wrap"><table>
<caption class="visually-hidden">${t.gridCaption}</caption>
<thead><tr><th scope="col">${t.messagesColumn}</th>${v.columns.map((c) => html`<th scope="col">${t.channel[c]}</th>`)}</tr></thead>
<tbody>${v.marketing.map((row) => campaignRow(t, row))}</tbody>
</table></div>
<p class="notice help">${t.notice(ctx.brand.name)}</p>`
    : html`<p>${t.noMarketing}</p>`;
  const always = v.always.length
    ? html`<section aria-labelledby="always"><h2 id="always">${t.alwaysHeading}</h2><p class="help">${t.alwaysHelp}</p>
<ul class="always">${v.always.map((a) => html`<li>${a.name} (${t.purposeLabel(a.purpose)}; ${a.channels.map((c) => t.channel[c]).join(', ')})</li>`)}</ul></section>`
    : null;
  const pauseOptions: PauseChoice[] = v.pausedUntil ? ['keep', 'resume', ...PAUSE_LENGTHS] : ['none', ...PAUSE_LENGTHS];
  const pauseLabel = (c: PauseChoice) =>
    c === 'none' ? t.pauseNone : c === 'keep' ? t.pauseKeep(v.pausedUntil ?? '') : c === 'resume' ? t.pauseResume : t.pauseFor[c];
  return layout(
    ctx,
    t.preferencesTitle(ctx.brand.name),
    html`<h1>${t.preferencesTitle(ctx.brand.name)}</h1>
<p>${t.preferencesIntro(ctx.brand.name)}</p>
${status}${errors}
${v.pausedUntil ? html`<p class="status">${t.pausedUntil(v.pausedUntil)}</p>` : null}
<form method="post" action="${v.action}">
<input type="hidden" name="form" value="${v.formToken}">
${v.marketing.flatMap((row) => row.cells.filter((c) => c.shown).map((c) => html`<input type="hidden" name="shown" value="${boxValue(row.id, c.channel)}">`))}
<section aria-labelledby="marketing"><h2 id="marketing">${t.marketingHeading}</h2><p class="help">${t.marketingHelp}</p>
${grid}
</section>
<fieldset><legend>${t.pauseHeading}</legend><p class="help">${t.pauseHelp}</p>
${pauseOptions.map((c) => html`<label class="check"><input type="radio" name="pause" value="${c}"${v.pause === c ? html` checked` : null}> ${pauseLabel(c)}</label>`)}
</fieldset>
<fieldset><legend>${t.quietHeading}</legend><p class="help" id="quiet-help">${t.quietHelp(v.timeZone)} ${t.quietHint}</p>
<div class="times">
<label>${t.quietFrom} <input type="time" name="quiet_from" value="${v.quiet.from}" aria-describedby="quiet-help"></label>
<label>${t.quietTo} <input type="time" name="quiet_to" value="${v.quiet.to}" aria-describedby="quiet-help"></label>
</div></fieldset>
<fieldset><legend>${t.preferredHeading}</legend><p class="help">${t.preferredHelp}</p>
${v.preferred.map(
  (p) =>
    html`<label class="check"><input type="checkbox" name="preferred" value="${p.channel}"${p.checked ? html` checked` : null}> ${t.channel[p.channel]}</label>`,
)}
</fieldset>
<div class="actions">
<button type="submit" class="primary" name="action" value="save">${t.save}</button>
</div>
${always}
<section aria-labelledby="unsubscribe-all"><h2 id="unsubscribe-all" class="visually-hidden">${t.unsubscribeAll}</h2>
<p class="help" id="unsubscribe-all-help">${t.unsubscribeAllHelp}</p>
<div class="actions"><button type="submit" class="secondary" name="action" value="unsubscribe_all" aria-describedby="unsubscribe-all-help">${t.unsubscribeAll}</button></div>
</section>
</form>`,
  );
}

function campaignRow(t: Messages, row: CampaignRow): Html {
  const cells = row.cells.map((cell) => {
    if (!cell.offered) {
      return html`<td class="na"><span aria-hidden="true">–</span><span class="visually-hidden">${t.notSentOn(t.channel[cell.channel])}</span></td>`;
    }
    const id = `box-${row.id}-${cell.channel}`.replace(/[^A-Za-z0-9_-]/g, '_');
    const checked = cell.checked ? html` checked` : null;
    return html`<td><label class="cell" for="${id}"><input type="checkbox" id="${id}" name="consent" value="${boxValue(row.id, cell.channel)}"${checked}><span class="visually-hidden">${t.checkboxName(row.name, t.channel[cell.channel])}</span></label></td>`;
  });
  return html`<tr><th scope="row">${row.name}</th>${cells}</tr>`;
}

// ---------------------------------------------------------------- one-click unsubscribe

export interface UnsubscribeView {
  /** Where the button posts (the link itself). */
  action: string;
  /** What stops, as a sentence. */
  stops: string;
  sentTo: string | null;
  preferencesUrl: string | null;
}

export function unsubscribeConfirm(ctx: PageContext, v: UnsubscribeView): Html {
  const t = messagesOf(ctx);
  return layout(
    ctx,
    t.unsubscribeTitle,
    html`<h1>${t.unsubscribeTitle}</h1>
<p>${v.stops}</p>
${v.sentTo ? html`<p class="help">${t.sentTo(v.sentTo)}</p>` : null}
<form method="post" action="${v.action}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<div class="actions"><button type="submit" class="primary">${t.unsubscribeButton}</button></div>
</form>
${v.preferencesUrl ? html`<p><a href="${v.preferencesUrl}">${t.manage}</a></p>` : null}`,
  );
}

export function unsubscribeDone(ctx: PageContext, v: UnsubscribeView): Html {
  const t = messagesOf(ctx);
  return layout(
    ctx,
    t.unsubscribed,
    html`<h1>${t.unsubscribed}</h1>
<p role="status">${t.stopped(v.stops)}</p>
${v.sentTo ? html`<p class="help">${t.sentTo(v.sentTo)}</p>` : null}
${v.preferencesUrl ? html`<p><a href="${v.preferencesUrl}">${t.manage}</a></p>` : null}`,
  );
}

// ---------------------------------------------------------------- errors

export type PageError = 'invalid' | 'expired' | 'form' | 'failed' | 'bad_request';

export function errorPage(ctx: PageContext, kind: PageError): Html {
  const t = messagesOf(ctx);
  const [title, body] = {
    invalid: [t.invalidTitle, t.invalidBody(ctx.brand.name)],
    expired: [t.expiredTitle, t.expiredBody(ctx.brand.name)],
    form: [t.formTitle, t.formBody],
    failed: [t.failedTitle, t.failedBody],
    bad_request: [t.badRequestTitle, t.badRequestBody],
  }[kind];
  return layout(ctx, title, html`<h1>${title}</h1><p>${body}</p>`);
}
