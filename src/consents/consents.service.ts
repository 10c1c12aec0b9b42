import { Pseudonyms } from '../ledger/pseudonyms';
import { SystemEvents } from '../ledger/system-events';
import { Metrics } from '../metrics/metrics';
import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/scopes';
import { CampaignRow } from '../campaigns/campaigns.repository';
import { CampaignsService } from '../campaigns/campaigns.service';
import { AddressNormaliser } from '../customers/address-normaliser';
import { Channel, channelGroup } from '../common/channels';
import { Problem } from '../common/problem';
import { notInFuture, parseInstant } from '../common/validators';
import { CustomersRepository } from '../customers/customers.repository';
import { CustomersService } from '../customers/customers.service';
import { Transactions } from '../database/transactions';
import { DecisionsService } from '../decisions/decisions.service';
import { ConsentStateDto, ConsentStateQuery, HistoryPageDto, RecordConsentDto, RecordedConsentDto } from './consent.dto';
import { toEventDto } from '../events/consent-event.dto';
import { ConsentEventRow, ConsentEventsRepository, NewConsentEvent } from '../events/consent-events.repository';
import type { EventSource } from '../events/consent-actions';
import { standsOptedOut } from './consent-state';

/** Double opt-in applies to consent collected where anyone could have typed the address in. */
const DOUBLE_OPT_IN_SOURCES: ReadonlySet<string> = new Set(['web_form', 'import']);

/**
 * What an opt-in to a campaign records (single writes and imports): `pending_confirmation`
 * under double opt-in when collected where anyone could type the address, else `opt_in`.
 * Withdrawing must stay as easy as giving: only opt-ins are held to the campaign's channels.
 */
export function optInAction(campaign: CampaignRow, channel: string, source: string): 'opt_in' | 'pending_confirmation' {
  if (!campaign.channels.includes(channel)) {
    throw Problem.unprocessable('CONSENT.CHANNEL_NOT_IN_CAMPAIGN', `Campaign "${campaign.id}" does not send on ${channel}.`, [
      { field: 'channel', message: `is not one of the campaign's channels (${campaign.channels.join(', ')})` },
    ]);
  }
  return campaign.double_opt_in && DOUBLE_OPT_IN_SOURCES.has(source) ? 'pending_confirmation' : 'opt_in';
}

/** A consent to record: a client's body, or what a customer did on the service's own pages (sources clients cannot claim). */
export type ConsentInput = Omit<RecordConsentDto, 'source'> & { source: EventSource };

/** The event a consent body records (single writes and imports), once its address is normalised and its action settled. */
export function eventOf(
  dto: ConsentInput,
  e: { address: string | null; action: string; evidence: Record<string, unknown>; occurredAt: Date; recordedBy: string },
): NewConsentEvent {
  return {
    customerId: dto.customerId ?? null,
    channel: dto.channel,
    channelGroup: channelGroup(dto.channel),
    address: e.address,
    campaignId: dto.campaignId ?? null,
    action: e.action,
    source: dto.source,
    evidence: e.evidence,
    language: dto.language ?? null,
    jurisdiction: dto.jurisdiction ?? null,
    occurredAt: e.occurredAt,
    recordedBy: e.recordedBy,
  };
}

const STATUS_OF_ACTION: Record<string, string> = { opt_in: 'opted_in', renewed: 'opted_in', opt_out: 'opted_out' };

function toStateDto(row: ConsentEventRow): ConsentStateDto {
  return {
    channel: row.channel_group,
    address: row.address,
    customerId: row.customer_id,
    campaignId: row.campaign_id,
    status: STATUS_OF_ACTION[row.action] ?? row.action,
    since: row.occurred_at.toISOString(),
    eventId: row.id,
    source: row.source,
  };
}

@Injectable()
export class ConsentsService {
  constructor(
    private readonly events: ConsentEventsRepository,
    private readonly customers: CustomersRepository,
    private readonly customersService: CustomersService,
    private readonly campaigns: CampaignsService,
    private readonly addresses: AddressNormaliser,
    private readonly transactions: Transactions,
    private readonly decisions: DecisionsService,
    private readonly pseudonyms: Pseudonyms,
    private readonly systemEvents: SystemEvents,
    private readonly metrics: Metrics,
  ) {}

  async record(dto: ConsentInput, by: Pick<Principal, 'actor'>): Promise<RecordedConsentDto> {
    if (dto.customerId === undefined && dto.address === undefined) throw Problem.field('customerId', 'or address is required');
    const address = dto.address === undefined ? null : this.addresses.normalise(dto.channel, dto.address, 'address');
    const occurredAt = dto.occurredAt ? notInFuture(parseInstant(dto.occurredAt)!, 'occurredAt') : new Date();
    const group = channelGroup(dto.channel);
    if (dto.action === 'confirm' && dto.campaignId === undefined) {
      throw Problem.field('campaignId', 'is required to confirm: double opt-in and re-confirmation are campaign policies');
    }
    // One statement writes (src/events/consent-events.repository.ts record); a confirmation
    // reads the decision it confirms first, so it runs in a transaction with its write.
    const work = async (): Promise<RecordedConsentDto> => {
      let action: string = dto.action;
      const evidence: Record<string, unknown> = { ...(dto.evidence ?? {}) };
      if (dto.campaignId !== undefined) {
        const campaign = await this.campaigns.require(dto.campaignId);
        if (dto.action === 'opt_in') action = optInAction(campaign, dto.channel, dto.source);
        if (dto.action === 'confirm') {
          const current = await this.decisions.current(dto.channel, campaign.id, { customerId: dto.customerId ?? null, address });
          if (current.reason !== 'confirmation_pending' && current.reason !== 'opted_in') {
            throw Problem.unprocessable(
              'CONSENT.NOTHING_TO_CONFIRM',
              `There is no pending or current consent to confirm (the decision now is ${current.outcome}/${current.reason}); record an opt_in instead.`,
              [{ field: 'action', message: `confirm needs a pending double opt-in or a current opt-in, found ${current.reason}` }],
            );
          }
          // A pending double opt-in becomes an opt-in; a current one is renewed (its re-confirmation clock restarts).
          action = current.reason === 'confirmation_pending' ? 'opt_in' : 'renewed';
          evidence.confirms = current.basis!.eventId;
        }
      }
      const opting = address !== null && (dto.action === 'opt_in' || dto.action === 'confirm');
      const event = eventOf(dto, { address, action, evidence, occurredAt, recordedBy: by.actor });
      const { event: row, states } = await this.events.record(event, {
        ensureCustomer: dto.customerId !== undefined,
        suppressionHash: opting ? this.pseudonyms.addressHash(group, address) : null,
      });
      if (!row) throw await this.suppressed(group, address!, dto.source);
      this.metrics.events.inc({ action: row.action, source: row.source });
      return { event: toEventDto(row), state: states.map(toStateDto) };
    };
    return dto.action === 'confirm' ? this.transactions.run(work) : work();
  }

  /**
   * An opt-out that is recorded only if it would change something: a customer who asks twice
   * (a one-click link posted again, by them or by their mailbox) is already out, and the
   * ledger says so once. Concurrent requests for the same scope are taken one after the other.
   * `true`: recorded.
   */
  async optOutOnce(o: {
    customerId: string | null;
    address: string | null;
    channel: Channel;
    campaignId: string | null;
    source: EventSource;
    evidence: Record<string, unknown>;
    language: string | null;
    actor: string;
  }): Promise<boolean> {
    const address = o.address === null ? null : this.addresses.normalise(o.channel, o.address, 'address');
    const group = channelGroup(o.channel);
    return this.transactions.run(async () => {
      await this.events.lockScope(JSON.stringify([group, o.customerId, address, o.campaignId]));
      if (await this.alreadyOut({ ...o, address })) return false;
      await this.record(
        {
          channel: o.channel,
          action: 'opt_out',
          source: o.source,
          evidence: o.evidence,
          ...(o.customerId === null ? {} : { customerId: o.customerId }),
          ...(address === null ? {} : { address }),
          ...(o.campaignId === null ? {} : { campaignId: o.campaignId }),
          ...(o.language === null ? {} : { language: o.language }),
        },
        { actor: o.actor },
      );
      return true;
    });
  }

  /** Whether the recipient is out already: of the campaign (its decision says opted out), or of the whole channel. */
  private async alreadyOut(o: { customerId: string | null; address: string | null; channel: Channel; campaignId: string | null }): Promise<boolean> {
    const recipient = { customerId: o.customerId, address: o.address };
    if (o.campaignId !== null) {
      // A campaign that no longer exists sends nothing: there is nothing left to stop.
      if (!(await this.campaigns.exists(o.campaignId))) return true;
      const d = await this.decisions.current(o.channel, o.campaignId, recipient);
      return d.reason === 'opted_out' || d.reason === 'suppressed';
    }
    const group = channelGroup(o.channel);
    const owners = o.address === null ? [] : await this.customers.findOwnerIds(group, o.address);
    const points = o.customerId === null ? [] : (await this.customers.findContactPoints(o.customerId)).filter((p) => p.channel_group === group);
    const rows = await this.events.findCurrentStates({
      contactPoints: [
        ...(o.address === null ? [] : [{ channelGroup: group, address: o.address }]),
        ...points.map((p) => ({ channelGroup: group, address: p.address })),
      ],
      customerIds: [...new Set([...owners, ...(o.customerId === null ? [] : [o.customerId])])],
      channelGroup: group,
    });
    return standsOptedOut(
      rows.map((r) => ({
        id: r.id,
        action: r.action,
        campaignId: r.campaign_id,
        occurredAt: r.occurred_at.toISOString(),
        recordedAt: r.recorded_at.toISOString(),
      })),
    );
  }

  /**
   * An erased customer's address stays suppressed until a new explicit opt-in (issue 5): an
   * import cannot bring it back (that is how people get messaged again after asking to be
   * forgotten), nor can an opt-in dated before the erasure.
   */
  private async suppressed(group: string, address: string, source: string): Promise<Problem> {
    const since = (await this.events.suppressedSince(group, this.pseudonyms.addressHash(group, address)))!.toISOString();
    if (source === 'import') {
      return Problem.conflict(
        'CONSENT.SUPPRESSED',
        `This address belonged to an erased customer and is suppressed since ${since}; an import cannot opt it back in. Record the person's new, explicit opt-in instead (web_form, keyword, verbal, agent or api, with evidence).`,
        [{ field: 'source', message: 'import cannot opt in a suppressed address' }],
      );
    }
    return Problem.conflict(
      'CONSENT.SUPPRESSED',
      `This address belonged to an erased customer and is suppressed since ${since}; only an opt-in given after that lifts it.`,
      [{ field: 'occurredAt', message: `must be after the erasure (${since}) to opt a suppressed address back in` }],
    );
  }

  async statesOfCustomer(customerId: string): Promise<ConsentStateDto[]> {
    await this.customersService.require(customerId);
    const points = await this.customers.findContactPoints(customerId);
    const rows = await this.events.findCurrentStates({
      contactPoints: points.map((p) => ({ channelGroup: p.channel_group, address: p.address })),
      customerIds: [customerId],
      channelGroup: null,
    });
    return rows.map(toStateDto);
  }

  async statesOfContactPoint(query: ConsentStateQuery): Promise<ConsentStateDto[]> {
    const group = channelGroup(query.channel);
    const address = this.addresses.normalise(query.channel, query.address, 'address');
    const rows = await this.events.findCurrentStates({
      contactPoints: [{ channelGroup: group, address }],
      customerIds: await this.customers.findOwnerIds(group, address),
      channelGroup: group,
    });
    return rows.map(toStateDto);
  }

  /** A page of a customer's history; the read itself is recorded in the ledger (who, when). */
  async history(customerId: string, cursor: string | undefined, limit: number | undefined, by: Principal): Promise<HistoryPageDto> {
    limit ??= 50;
    await this.customersService.require(customerId);
    const rows = await this.transactions.run(async () => {
      await this.systemEvents.record('history.read', by.actor, this.pseudonyms.customerRef(customerId), { cursor: cursor ?? null, limit });
      return this.events.findHistoryPage(customerId, cursor ?? null, limit + 1);
    });
    const page = rows.slice(0, limit);
    return { items: page.map(toEventDto), nextCursor: rows.length > limit ? page[page.length - 1].id : null };
  }
}
