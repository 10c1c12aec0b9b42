import { Pseudonyms } from '../ledger/pseudonyms';
import { Injectable } from '@nestjs/common';
import { AddressNormaliser } from './address-normaliser';
import { Channel, channelGroup } from '../common/channels';
import { Problem } from '../common/problem';
import { Transactions } from '../database/transactions';
import { CustomerDto, PutCustomerDto } from './customer.dto';
import { ContactPointRow, CustomerRow, CustomersRepository } from './customers.repository';

function toDto(row: CustomerRow, points: ContactPointRow[]): CustomerDto {
  return {
    id: row.id,
    contactPoints: points.map((p) => ({ channel: p.channel as Channel, address: p.address })),
    timezone: row.timezone,
    locale: row.locale,
    region: row.region,
    lastPurchaseAt: row.last_purchase_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

@Injectable()
export class CustomersService {
  constructor(
    private readonly repository: CustomersRepository,
    private readonly addresses: AddressNormaliser,
    private readonly transactions: Transactions,
    private readonly pseudonyms: Pseudonyms,
  ) {}

  /** Replaces the customer's profile and contact points as a whole (PUT semantics). */
  async put(id: string, body: PutCustomerDto): Promise<{ customer: CustomerDto; created: boolean }> {
    const points = body.contactPoints.map((p, i) => ({
      channel: p.channel,
      channelGroup: channelGroup(p.channel),
      address: this.addresses.normalise(p.channel, p.address, `contactPoints.${i}.address`),
    }));
    const seen = new Map<string, number>();
    points.forEach((p, i) => {
      const key = `${p.channel} ${p.address}`;
      if (seen.has(key)) throw Problem.field(`contactPoints.${i}`, `repeats contactPoints.${seen.get(key)}`);
      seen.set(key, i);
    });
    return this.transactions.run(async () => {
      const { row, created } = await this.repository.upsert({
        id,
        timezone: body.timezone ?? null,
        locale: body.locale ?? null,
        region: body.region ?? null,
        lastPurchaseAt: body.lastPurchaseAt ?? null,
      });
      const owners = await this.repository.findContactPointOwners(points);
      const taken = owners.filter((o) => o.customer_id !== id);
      if (taken.length) {
        const errors = taken.map((o) => ({
          field: `contactPoints.${points.findIndex((p) => p.channel === o.channel && p.address === o.address)}.address`,
          message: 'belongs to another customer',
        }));
        throw Problem.conflict('CONTACT_POINT.TAKEN', 'A contact point belongs to another customer; remove it there first.', errors);
      }
      await this.repository.replaceContactPoints(
        id,
        points.map((p) => ({ ...p, addressHash: this.pseudonyms.addressHash(p.channelGroup, p.address) })),
      );
      return { customer: toDto(row, await this.repository.findContactPoints(id)), created };
    });
  }

  async get(id: string): Promise<CustomerDto> {
    const row = await this.require(id);
    return toDto(row, await this.repository.findContactPoints(id));
  }

  async require(id: string): Promise<CustomerRow> {
    const row = await this.repository.findById(id);
    if (!row) throw Problem.notFound('CUSTOMER.NOT_FOUND', `No customer has customerId "${id}".`);
    return row;
  }
}
