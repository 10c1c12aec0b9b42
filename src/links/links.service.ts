import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CampaignsService } from '../campaigns/campaigns.service';
import { channelGroup, type Channel } from '../common/channels';
import { addDuration, parseDuration } from '../common/duration';
import { Problem } from '../common/problem';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AddressNormaliser } from '../customers/address-normaliser';
import { CustomersRepository } from '../customers/customers.repository';
import { CustomersService } from '../customers/customers.service';
import { LedgerRepository } from '../ledger/ledger.repository';
import { LinkGrant, LinkKeys, LOCALES, type Locale, PreferenceGrant, UnsubscribeGrant } from './link-token';
import type { CreatePreferenceLinkDto, CreateUnsubscribeLinkDto, PreferenceLinkDto, UnsubscribeLinkDto } from './links.dto';

export const PREFERENCES_PATH = '/preferences';
export const UNSUBSCRIBE_PATH = '/u';
const DEFAULT_EXPIRY = 'P7D';
const MAX_EXPIRY_MS = 90 * 24 * 3600 * 1000;
export const ONE_CLICK = 'List-Unsubscribe=One-Click';

/** The language a locale tag names, when the pages speak it (`fr-CA` → `fr`). */
export function supportedLocale(tag: string | null | undefined): Locale | null {
  const language = tag?.toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((l) => l === language) ?? null;
}

/**
 * Signed links that let a customer act without an account: their preference centre (for a
 * while), and a one-click unsubscribe (for good: mail is read months later). What a link
 * grants is sealed in its token (link-token.ts); this service makes links and opens them.
 */
@Injectable()
export class LinksService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Links');
  private keys: LinkKeys | null = null;

  constructor(
    private readonly customers: CustomersService,
    private readonly customerRows: CustomersRepository,
    private readonly campaigns: CampaignsService,
    private readonly addresses: AddressNormaliser,
    private readonly ledger: LedgerRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // After the database module has connected and migrated (its onModuleInit).
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.linkKeys.length) {
      this.keys = new LinkKeys(this.config.linkKeys);
      return;
    }
    if (this.config.production) {
      this.logger.warn('LINK_KEYS is not set: preference and unsubscribe links cannot be made or opened until it is.');
      return;
    }
    // Development: one key, generated once and kept where every replica finds it.
    this.logger.warn('LINK_KEYS is not set: the key of signed links is kept in the database. Set LINK_KEYS (required with NODE_ENV=production).');
    this.keys = new LinkKeys([await this.ledger.keptSecret('link-key', randomBytes(32).toString('hex'))]);
  }

  /** The public origin links point at: PUBLIC_BASE_URL (HTTPS in production), or this machine in development. */
  private base(): string {
    const base = this.config.publicBaseUrl;
    if (base && (!this.config.production || base.startsWith('https://'))) return base;
    if (!base && !this.config.production) return `http://localhost:${this.config.port}`;
    throw notConfigured('PUBLIC_BASE_URL', 'an HTTPS URL, such as https://consent.example.com: links in mail must be HTTPS (RFC 8058)');
  }

  private sealer(): LinkKeys {
    if (!this.keys) throw notConfigured('LINK_KEYS', 'one or more secrets of 32+ characters (openssl rand -hex 32)');
    return this.keys;
  }

  /** Throws the 503 that says what to configure, when links cannot be made. */
  requireConfigured(): void {
    this.sealer();
    this.base();
  }

  /** What a token grants, or null (forged, altered, unknown key, or links not configured). */
  open(token: string): LinkGrant | null {
    return this.keys?.open(token) ?? null;
  }

  formToken(linkToken: string, issuedAt = new Date()): string {
    return this.sealer().formToken(linkToken, issuedAt);
  }

  checkFormToken(linkToken: string, value: string, maxAgeMs: number, now = new Date()): boolean {
    return this.keys?.checkFormToken(linkToken, value, now, maxAgeMs) ?? false;
  }

  async createPreferenceLink(dto: CreatePreferenceLinkDto): Promise<PreferenceLinkDto> {
    this.requireConfigured();
    const expiresIn = dto.expiresIn ?? DEFAULT_EXPIRY;
    const duration = parseDuration(expiresIn);
    const now = new Date();
    const expiresAt = duration ? addDuration(now, duration) : undefined;
    if (!expiresAt || expiresAt.getTime() <= now.getTime()) throw Problem.field('expiresIn', 'must be an ISO 8601 duration such as P7D');
    if (expiresAt.getTime() - now.getTime() > MAX_EXPIRY_MS) throw Problem.field('expiresIn', 'must be at most P90D');
    const customer = await this.customerOf(dto);
    const locale = dto.locale ?? supportedLocale(customer.locale);
    return { url: this.preferenceUrl({ kind: 'preferences', customerId: customer.id, locale, expiresAt }), expiresAt: expiresAt.toISOString() };
  }

  /** A preference centre link for a customer already known (the unsubscribe page offers one). */
  preferenceUrlFor(customerId: string, locale: Locale | null, now = new Date()): string {
    return this.preferenceUrl({ kind: 'preferences', customerId, locale, expiresAt: addDuration(now, parseDuration(DEFAULT_EXPIRY)!) });
  }

  private preferenceUrl(grant: PreferenceGrant): string {
    return `${this.base()}${PREFERENCES_PATH}/${this.sealer().seal(grant)}`;
  }

  async createUnsubscribeLink(dto: CreateUnsubscribeLinkDto): Promise<UnsubscribeLinkDto> {
    this.requireConfigured();
    if (dto.customerId === undefined && dto.address === undefined) throw Problem.field('customerId', 'or address is required');
    const address = dto.address === undefined ? null : this.addresses.normalise(dto.channel, dto.address, 'address');
    let locale = dto.locale ?? null;
    if (dto.customerId !== undefined) locale ??= supportedLocale((await this.customers.require(dto.customerId)).locale);
    if (dto.campaignId !== undefined) await this.campaigns.require(dto.campaignId);
    return this.unsubscribeLink({
      kind: 'unsubscribe',
      customerId: dto.customerId ?? null,
      address,
      channel: dto.channel,
      campaignId: dto.campaignId ?? null,
      messageId: dto.messageId ?? null,
      locale,
    });
  }

  /** For an answer already checked (a decision's recipient and campaign): no lookup. */
  unsubscribeFor(recipient: { customerId: string | null; address: string | null }, channel: Channel, campaignId: string): UnsubscribeLinkDto {
    return this.unsubscribeLink({ kind: 'unsubscribe', ...recipient, channel, campaignId, messageId: null, locale: null });
  }

  private unsubscribeLink(grant: UnsubscribeGrant): UnsubscribeLinkDto {
    const token = this.sealer().seal(grant);
    const url = `${this.base()}${UNSUBSCRIBE_PATH}/${token}`;
    const mailto = this.config.unsubscribeMailto ? `, <mailto:${this.config.unsubscribeMailto}?subject=unsubscribe%20${token}>` : '';
    return { url, oneClickUrl: url, headers: { 'List-Unsubscribe': `<${url}>${mailto}`, 'List-Unsubscribe-Post': ONE_CLICK } };
  }

  /** The customer a preference link is for: named, or the owner of the contact point given. */
  private async customerOf(dto: CreatePreferenceLinkDto) {
    if (dto.customerId !== undefined && dto.address !== undefined) throw Problem.field('address', 'give customerId or address, not both');
    if (dto.customerId !== undefined) return this.customers.require(dto.customerId);
    if (dto.address === undefined) throw Problem.field('customerId', 'or address is required');
    const channel: Channel = dto.channel ?? (dto.address.includes('@') ? 'email' : 'sms');
    const address = this.addresses.normalise(channel, dto.address, 'address', true);
    const [owner] = await this.customerRows.findOwnerIds(channelGroup(channel), address);
    if (!owner) {
      throw Problem.notFound('CUSTOMER.NOT_FOUND', `No customer has this address on ${channel}: add it with PUT /v1/customers/{customerId} first.`);
    }
    return this.customers.require(owner);
  }
}

function notConfigured(variable: string, what: string): Problem {
  return new Problem(503, 'LINKS.NOT_CONFIGURED', 'Service unavailable', `Signed links are not configured: set ${variable} to ${what}.`, undefined, {
    'retry-after': '3600',
  });
}
