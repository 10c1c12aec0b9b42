import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CampaignDto } from '../campaigns/campaign.dto';
import { CampaignsService } from '../campaigns/campaigns.service';
import { CHANNELS, type Channel, channelGroup } from '../common/channels';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ConsentsService } from '../consents/consents.service';
import { CustomersRepository, CustomerRow } from '../customers/customers.repository';
import { Transactions } from '../database/transactions';
import { DecisionsService } from '../decisions/decisions.service';
import type { PreferenceDecision } from '../decisions/preference-policy';
import type { PreferenceGrant, UnsubscribeGrant } from '../links/link-token';
import { LinksService, PREFERENCES_PATH } from '../links/links.service';
import { PreferencesService, PreferenceValues } from '../preferences/preferences.service';
import type { Html } from './html';
import { formatInstant, Locale, MESSAGES, pageLocale } from './messages';
import { pageStyle, PageStyle } from './page-style';
import { boxChanges, CentreForm, pauseAfter, preferredAfter, quietHoursOf, readCentreForm, runningPause, shownQuietHours } from './preference-form';
import {
  boxValue,
  Brand,
  CentreView,
  errorPage,
  localised,
  PageContext,
  PageError,
  preferenceCentre,
  unsubscribeConfirm,
  unsubscribeDone,
  UnsubscribeView,
} from './views';

export const STYLE_PATH = '/assets/pages.css';
/** A form is good for a day: past that, the page is opened again (its choices may be stale). */
const FORM_MAX_AGE_MS = 24 * 3600 * 1000;
/** The version of the consent notice beside the boxes (its text, per language, is in messages.ts). */
export const NOTICE_VERSION = 'preference-centre-2026-11';

/** Who is on the page: what the request says of them, kept as evidence with what they do. */
export interface Visitor {
  token: string;
  /** `?lang=`: a language chosen on the page. */
  lang: unknown;
  acceptLanguage: string | undefined;
  ip: string;
  userAgent: string | undefined;
}

export type PageAnswer = { status: number; page: Html } | { redirect: string };

/** What a customer on a preference page stands on: the campaigns, and where consent stands in each box. */
interface Centre {
  customer: CustomerRow;
  campaigns: CampaignDto[];
  marketing: CampaignDto[];
  columns: Channel[];
  /** Per box (`campaignId|channel`): whether consent stands there now. */
  standing: Map<string, boolean>;
  preferences: PreferenceValues;
}

/** Consent stands when the decision gets past rule 1: allowed, deferred, or held only by a channel switched off. */
function consentStands(d: PreferenceDecision): boolean {
  return d.allowed || d.outcome === 'defer' || d.reason === 'channel_disabled';
}

/** Enough of an address for its owner to recognise it, not enough for anyone else to use. */
export function maskAddress(address: string): string {
  const at = address.indexOf('@');
  if (at > 0) return `${address[0]}•••@${address.slice(at + 1)}`;
  return `••• ${address.slice(-4)}`;
}

/**
 * The customer-facing pages: what they show, and what a customer's choices record. Every
 * choice is a ledger event like any other (source preference_centre or one_click), with the
 * page, the browser and the notice shown as evidence.
 */
@Injectable()
export class PagesService {
  readonly style: PageStyle;

  constructor(
    private readonly links: LinksService,
    private readonly campaigns: CampaignsService,
    private readonly customers: CustomersRepository,
    private readonly decisions: DecisionsService,
    private readonly consents: ConsentsService,
    private readonly preferences: PreferencesService,
    private readonly transactions: Transactions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.style = pageStyle(config.brandColor);
  }

  private brand(): Brand {
    return { name: this.config.brandName, logoUrl: this.config.brandLogoUrl, styleHref: `${STYLE_PATH}?v=${this.style.version}` };
  }

  context(locale: Locale, path: string): PageContext {
    return { locale, brand: this.brand(), path };
  }

  /** An error page in the visitor's language (the link's, when it opens). */
  errorAnswer(status: number, kind: PageError, path: string, visitor: Pick<Visitor, 'token' | 'lang' | 'acceptLanguage'>): PageAnswer {
    const grant = this.links.open(visitor.token);
    return { status, page: errorPage(this.context(pageLocale(visitor.lang, grant?.locale ?? null, visitor.acceptLanguage), path), kind) };
  }

  // ------------------------------------------------------------ the preference centre

  private preferencePath(token: string): string {
    return `${PREFERENCES_PATH}/${token}`;
  }

  /** The grant of a preference link still valid, or the error page to show instead. */
  private async preferenceGrant(visitor: Visitor): Promise<{ grant: PreferenceGrant; customer: CustomerRow } | PageAnswer> {
    const path = this.preferencePath(visitor.token);
    const grant = this.links.open(visitor.token);
    if (!grant || grant.kind !== 'preferences') return this.errorAnswer(404, 'invalid', path, visitor);
    if (grant.expiresAt.getTime() <= Date.now()) return this.errorAnswer(410, 'expired', path, visitor);
    const customer = await this.customers.findById(grant.customerId);
    if (!customer) return this.errorAnswer(404, 'invalid', path, visitor);
    return { grant, customer };
  }

  private async centre(customer: CustomerRow): Promise<Centre> {
    const campaigns = (await this.campaigns.list()).sort((a, b) => a.name.localeCompare(b.name));
    const marketing = campaigns.filter((c) => c.purpose === 'marketing');
    const columns = CHANNELS.filter((ch) => marketing.some((c) => c.channels.includes(ch)));
    const standing = new Map<string, boolean>();
    for (const campaign of marketing) {
      for (const channel of campaign.channels) {
        const d = await this.decisions.current(channel, campaign.id, { customerId: customer.id, address: null });
        standing.set(boxValue(campaign.id, channel), consentStands(d));
      }
    }
    const { customerId: _c, updatedAt: _u, ...preferences } = await this.preferences.get(customer.id);
    return { customer, campaigns, marketing, columns, standing, preferences };
  }

  async showCentre(visitor: Visitor, status: CentreView['status']): Promise<PageAnswer> {
    const found = await this.preferenceGrant(visitor);
    if (!('grant' in found)) return found;
    const locale = pageLocale(visitor.lang, found.grant.locale, visitor.acceptLanguage);
    const centre = await this.centre(found.customer);
    const now = new Date();
    const view = this.centreView(centre, locale, visitor.token, now, {
      checked: new Set([...centre.standing].filter(([, stands]) => stands).map(([box]) => box)),
      quiet: shownQuietHours(centre.preferences.quietHours),
      preferred: centre.preferences.preferredChannels,
      pause: runningPause(centre.preferences.pausedUntil, now) ? 'keep' : 'none',
    });
    return { status: 200, page: preferenceCentre(this.context(locale, this.preferencePath(visitor.token)), { ...view, status }) };
  }

  private centreView(
    centre: Centre,
    locale: Locale,
    token: string,
    now: Date,
    shown: { checked: ReadonlySet<string>; quiet: CentreForm['quiet']; preferred: readonly string[]; pause: CentreView['pause'] },
    errors: string[] = [],
    shownBefore?: ReadonlySet<string>,
  ): CentreView {
    const paused = runningPause(centre.preferences.pausedUntil, now);
    const brandChannels = CHANNELS.filter((ch) => centre.campaigns.some((c) => c.channels.includes(ch)));
    return {
      action: localised(this.preferencePath(token), locale),
      formToken: this.links.formToken(token, now),
      status: null,
      errors,
      columns: centre.columns,
      marketing: centre.marketing.map((c) => ({
        id: c.id,
        name: c.name,
        cells: centre.columns.map((channel) => {
          const box = boxValue(c.id, channel);
          const offered = c.channels.includes(channel);
          return { channel, offered, checked: offered && shown.checked.has(box), shown: offered && (shownBefore ?? shown.checked).has(box) };
        }),
      })),
      always: centre.campaigns
        .filter((c): c is CampaignDto & { purpose: 'transactional' | 'conversational' } => c.purpose !== 'marketing')
        .map((c) => ({ name: c.name, purpose: c.purpose, channels: c.channels })),
      quiet: shown.quiet,
      timeZone: centre.customer.timezone,
      preferred: brandChannels.map((channel) => ({ channel, checked: shown.preferred.includes(channel) })),
      pausedUntil: paused ? formatInstant(locale, paused, centre.customer.timezone) : null,
      pause: shown.pause,
    };
  }

  /** What a customer chose: recorded in one transaction (all of it, or nothing), then the page again. */
  async saveCentre(visitor: Visitor, form: URLSearchParams): Promise<PageAnswer> {
    const found = await this.preferenceGrant(visitor);
    if (!('grant' in found)) return found;
    const path = this.preferencePath(visitor.token);
    const locale = pageLocale(visitor.lang, found.grant.locale, visitor.acceptLanguage);
    if (!this.links.checkFormToken(visitor.token, form.get('form') ?? '', FORM_MAX_AGE_MS)) return this.errorAnswer(403, 'form', path, visitor);
    const centre = await this.centre(found.customer);
    const submitted = readCentreForm(form, new Set(centre.standing.keys()));
    const now = new Date();
    const t = MESSAGES[locale];
    const evidence = this.evidence(visitor, locale);
    const by = { actor: 'preference_centre' };
    const record = (box: string, action: 'opt_in' | 'opt_out') => {
      const [campaignId, channel] = box.split('|') as [string, Channel];
      return this.consents.record({ customerId: found.customer.id, channel, campaignId, action, source: 'preference_centre', evidence, language: locale }, by);
    };

    if (submitted.action === 'unsubscribe_all') {
      await this.transactions.run(async () => {
        for (const [box, stands] of centre.standing) if (stands) await record(box, 'opt_out');
      });
      return { redirect: `${localised(path, locale)}&done=unsubscribed` };
    }

    const shownQuiet = shownQuietHours(centre.preferences.quietHours);
    const quiet = quietHoursOf(submitted.quiet, shownQuiet, centre.preferences.quietHours);
    if ('problem' in quiet) {
      // Shown again as the person left it, with what to correct; nothing is written.
      const view = this.centreView(centre, locale, visitor.token, now, submitted, [t[quiet.problem]], submitted.shown);
      return { status: 400, page: preferenceCentre(this.context(locale, path), view) };
    }
    const { optIns, optOuts } = boxChanges(submitted, centre.standing);
    const offeredChannels = CHANNELS.filter((ch) => centre.campaigns.some((c) => c.channels.includes(ch)));
    await this.transactions.run(async () => {
      for (const box of optIns) await record(box, 'opt_in');
      for (const box of optOuts) await record(box, 'opt_out');
      await this.preferences.update(
        found.customer.id,
        (current) => ({
          ...current,
          quietHours: quiet.value,
          preferredChannels: preferredAfter(current.preferredChannels, submitted.preferred, offeredChannels),
          pausedUntil: pauseAfter(submitted.pause, runningPause(current.pausedUntil, now) ?? current.pausedUntil, now),
        }),
        { source: 'preference_centre', actor: by.actor, evidence: { pageUrl: evidence.pageUrl, userAgent: evidence.userAgent, ip: evidence.ip } },
      );
    });
    return { redirect: `${localised(path, locale)}&done=saved` };
  }

  /** Evidence of what a customer did on a page: where, with what browser, from where, having read which notice. */
  private evidence(visitor: Visitor, locale: Locale): Record<string, string> {
    const notice = MESSAGES[locale].notice(this.config.brandName);
    const base = this.config.publicBaseUrl ?? `http://localhost:${this.config.port}`;
    return {
      // The page, not the link: the link's token grants access and stays out of the ledger.
      pageUrl: `${base}${PREFERENCES_PATH}`,
      ...(visitor.userAgent ? { userAgent: visitor.userAgent.slice(0, 512) } : {}),
      ip: visitor.ip,
      noticeVersion: `${NOTICE_VERSION}/${locale}`,
      noticeTextHash: createHash('sha256').update(notice).digest('hex'),
    };
  }

  // ------------------------------------------------------------ one-click unsubscribe

  private unsubscribePath(token: string): string {
    return `/u/${token}`;
  }

  private unsubscribeGrant(visitor: Visitor): UnsubscribeGrant | PageAnswer {
    const grant = this.links.open(visitor.token);
    if (!grant || grant.kind !== 'unsubscribe') return this.errorAnswer(404, 'invalid', this.unsubscribePath(visitor.token), visitor);
    return grant;
  }

  private async unsubscribeView(grant: UnsubscribeGrant, locale: Locale, token: string): Promise<UnsubscribeView> {
    const t = MESSAGES[locale];
    const channel = t.channel[grant.channel];
    let stops = t.stopsChannel(channel, this.config.brandName);
    if (grant.campaignId !== null) {
      const campaign = await this.campaigns.find(grant.campaignId);
      stops = t.stopsCampaign(campaign?.name ?? grant.campaignId, channel);
    }
    const owner =
      grant.customerId ?? (grant.address === null ? null : ((await this.customers.findOwnerIds(channelGroup(grant.channel), grant.address))[0] ?? null));
    const known = owner !== null && (await this.customers.findById(owner)) !== undefined;
    return {
      action: localised(this.unsubscribePath(token), locale),
      stops,
      sentTo: grant.address === null ? null : maskAddress(grant.address),
      preferencesUrl: known ? this.links.preferenceUrlFor(owner, locale) : null,
    };
  }

  /** GET: what will stop, and a button that stops it. Changes nothing (mail scanners follow links). */
  async showUnsubscribe(visitor: Visitor): Promise<PageAnswer> {
    const grant = this.unsubscribeGrant(visitor);
    if (!('kind' in grant)) return grant;
    const locale = pageLocale(visitor.lang, grant.locale, visitor.acceptLanguage);
    const view = await this.unsubscribeView(grant, locale, visitor.token);
    return { status: 200, page: unsubscribeConfirm(this.context(locale, this.unsubscribePath(visitor.token)), view) };
  }

  /** POST (RFC 8058, or the page's button): the opt-out, once; the same answer however often it comes. */
  async unsubscribe(visitor: Visitor): Promise<PageAnswer> {
    const grant = this.unsubscribeGrant(visitor);
    if (!('kind' in grant)) return grant;
    const locale = pageLocale(visitor.lang, grant.locale, visitor.acceptLanguage);
    // An erased customer's link opts nobody out: the erasure already did, and recording would bring their id back.
    const erased = grant.customerId !== null && (await this.customers.findById(grant.customerId)) === undefined;
    if (!erased) {
      await this.consents.optOutOnce({
        customerId: grant.customerId,
        address: grant.address,
        channel: grant.channel,
        campaignId: grant.campaignId,
        source: 'one_click',
        evidence: {
          ...(grant.messageId === null ? {} : { messageId: grant.messageId }),
          ...(visitor.userAgent ? { userAgent: visitor.userAgent.slice(0, 512) } : {}),
          ip: visitor.ip,
        },
        language: locale,
        actor: 'one_click',
      });
    }
    const view = await this.unsubscribeView(grant, locale, visitor.token);
    return { status: 200, page: unsubscribeDone(this.context(locale, this.unsubscribePath(visitor.token)), view) };
  }
}
