import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/scopes';
import { CampaignsService } from '../campaigns/campaigns.service';
import { AddressNormaliser } from '../customers/address-normaliser';
import { channelGroup } from '../common/channels';
import { Problem } from '../common/problem';
import { notInFuture, parseInstant } from '../common/validators';
import { ConsentEventsRepository } from '../events/consent-events.repository';
import { CustomersRepository } from '../customers/customers.repository';
import { Transactions } from '../database/transactions';
import { RecordSendDto, SendDto } from './sends.dto';
import { SendRow, SendsRepository } from './sends.repository';

function toDto(row: SendRow): SendDto {
  return {
    id: row.id,
    messageId: row.message_id!,
    decisionId: row.decision_id,
    customerId: row.customer_id,
    address: row.address,
    channel: row.channel,
    campaignId: row.campaign_id,
    sentAt: row.sent_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
  };
}

/**
 * Messages sent (issue 6): what frequency caps count, and evidence — each send is also a
 * `message_sent` event in the customer's history, naming the decision it was sent under.
 */
@Injectable()
export class SendsService {
  constructor(
    private readonly sends: SendsRepository,
    private readonly campaigns: CampaignsService,
    private readonly customers: CustomersRepository,
    private readonly events: ConsentEventsRepository,
    private readonly addresses: AddressNormaliser,
    private readonly transactions: Transactions,
  ) {}

  async record(dto: RecordSendDto, principal: Principal): Promise<{ send: SendDto; created: boolean }> {
    if (dto.customerId === undefined && dto.address === undefined) throw Problem.field('customerId', 'or address is required');
    const address = dto.address === undefined ? null : this.addresses.normalise(dto.channel, dto.address, 'address');
    const sentAt = notInFuture(parseInstant(dto.sentAt)!, 'sentAt');
    const group = channelGroup(dto.channel);
    return this.transactions.run(async () => {
      const campaign = await this.campaigns.require(dto.campaignId);
      if (dto.customerId !== undefined) await this.customers.ensureExists(dto.customerId);
      const owners = dto.customerId === undefined && address ? await this.customers.findOwnerIds(group, address) : [];
      const customerId = dto.customerId ?? (owners.length === 1 ? owners[0] : null);
      const { row, created } = await this.sends.record({
        messageId: dto.messageId,
        decisionId: dto.decisionId ?? null,
        customerId,
        channel: dto.channel,
        channelGroup: group,
        address,
        campaignId: campaign.id,
        purpose: campaign.purpose,
        sentAt,
        recordedBy: principal.actor,
      });
      if (!row) {
        throw Problem.conflict('SEND.DECISION_USED', `Decision ${dto.decisionId} was already used by another message.`, [
          { field: 'decisionId', message: 'was already used by another message' },
        ]);
      }
      if (created) {
        await this.events.insert({
          customerId,
          channel: dto.channel,
          channelGroup: group,
          address,
          campaignId: campaign.id,
          action: 'message_sent',
          source: 'api',
          evidence: { messageId: dto.messageId, ...(dto.decisionId ? { decisionId: dto.decisionId } : {}) },
          language: null,
          jurisdiction: null,
          occurredAt: sentAt,
          recordedBy: principal.actor,
        });
      }
      return { send: toDto(row), created };
    });
  }
}
