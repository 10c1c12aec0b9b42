import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/scopes';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Channel, channelGroup, channelReaches } from '../common/channels';
import { CUSTOMER_ID_MAX, isId } from '../common/identifiers';
import { Problem } from '../common/problem';
import { AddressNormaliser } from '../customers/address-normaliser';
import { CustomersRepository } from '../customers/customers.repository';
import { campaignPolicy, DecisionsService } from '../decisions/decisions.service';
import { Pseudonyms } from '../ledger/pseudonyms';
import { SystemEvents } from '../ledger/system-events';
import { PersonConsentDto, PersonContactPointDto, PersonDto } from './people.dto';
import { PeopleRepository } from './people.repository';
import { QueryKind, consentDates, queryKinds } from './people.rules';

type Found = Omit<PersonDto, 'consent'> & { ref: string };

/**
 * A person as compliance staff look them up: by customer id, phone number or email, with where
 * their consent stands on every campaign and channel (as a decision now would say), and the
 * filter that gives their history. The lookup is a read of personal data: it is recorded in the
 * ledger, naming the person by keyed hash only.
 */
@Injectable()
export class PeopleService {
  constructor(
    private readonly customers: CustomersRepository,
    private readonly normaliser: AddressNormaliser,
    private readonly campaigns: CampaignsService,
    private readonly decisions: DecisionsService,
    private readonly people: PeopleRepository,
    private readonly pseudonyms: Pseudonyms,
    private readonly systemEvents: SystemEvents,
  ) {}

  async find(query: string, principal: Principal): Promise<PersonDto> {
    const { ref, ...found } = await this.resolve(query.trim());
    await this.systemEvents.record('audit.read', principal.actor, null, { person: ref, matchedAs: found.matchedAs });
    return { ...found, consent: found.erased ? [] : await this.consentOf(found.customerId, found.contactPoints) };
  }

  private async resolve(q: string): Promise<Found> {
    const kinds = queryKinds(q);
    for (const kind of kinds) {
      const found = kind === 'customer' ? await this.asCustomer(q) : await this.asAddress(kind, q, kind === kinds[kinds.length - 1]);
      if (found) return found;
    }
    throw Problem.notFound('PERSON.NOT_FOUND', 'No customer id, phone number or email in the records matches the search.');
  }

  private async asCustomer(id: string, matchedAs: QueryKind = 'customer'): Promise<Found | null> {
    if (!isId(id, CUSTOMER_ID_MAX)) return null;
    if ((await this.customers.findById(id)) || (await this.people.customerHasEvents(id))) {
      const points = await this.customers.findContactPoints(id);
      return {
        matchedAs,
        customerId: id,
        contactPoints: points.map((p) => ({ channel: p.channel, address: p.address })),
        erased: false,
        erasedAt: null,
        history: { customerId: id },
        ref: this.pseudonyms.customerRef(id),
      };
    }
    const erasedAt = await this.people.erasedAt(this.pseudonyms.erasedCustomerId(id));
    return erasedAt ? this.erased(matchedAs, erasedAt, this.pseudonyms.customerRef(id)) : null;
  }

  private async asAddress(kind: Exclude<QueryKind, 'customer'>, q: string, last: boolean): Promise<Found | null> {
    const channel: Channel = kind === 'email' ? 'email' : 'sms';
    let address: string;
    try {
      address = this.normaliser.normalise(channel, q, 'q', true);
    } catch (error) {
      if (last && error instanceof Problem) throw error;
      return null;
    }
    const group = channelGroup(channel);
    const owners = await this.customers.findOwnerIds(group, address);
    if (owners.length === 1) return this.asCustomer(owners[0], kind);
    const ref = this.pseudonyms.addressRef(address);
    if (await this.people.addressHasEvents(group, address)) {
      return { matchedAs: kind, customerId: null, contactPoints: [{ channel, address }], erased: false, erasedAt: null, history: { address, channel }, ref };
    }
    const erasedAt = await this.people.suppressedAt(group, this.pseudonyms.addressHash(group, address));
    return erasedAt ? this.erased(kind, erasedAt, ref) : null;
  }

  private erased(matchedAs: QueryKind, erasedAt: string, ref: string): Found {
    return { matchedAs, customerId: null, contactPoints: [], erased: true, erasedAt, history: {}, ref };
  }

  /** Every campaign on every channel one of the contact points reaches, decided now. */
  private async consentOf(customerId: string | null, points: PersonContactPointDto[]): Promise<PersonConsentDto[]> {
    const rows: PersonConsentDto[] = [];
    for (const campaign of await this.campaigns.list()) {
      const policy = campaignPolicy(campaign);
      const decided = await Promise.all(
        campaign.channels.flatMap((channel) => {
          const point = points.find((p) => channelReaches(channel, p.address));
          if (!point) return [];
          return [this.decisions.current(channel, campaign.id, { customerId, address: point.address }).then((d) => ({ channel, address: point.address, d }))];
        }),
      );
      for (const { channel, address, d } of decided) {
        rows.push({
          campaignId: campaign.id,
          campaignName: campaign.name,
          purpose: campaign.purpose,
          channel,
          address,
          allowed: d.allowed,
          outcome: d.outcome,
          reason: d.reason,
          basisAction: d.basis?.action ?? null,
          since: d.basis?.occurredAt ?? null,
          nextAllowedAt: d.nextAllowedAt ?? null,
          ...consentDates(policy, d.basis?.occurredAt ?? null, d.basis?.action ?? null),
        });
      }
    }
    return rows;
  }
}
