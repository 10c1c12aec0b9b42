import { AuditExportEntity } from './audit/audit-export.entity';
import {
  LedgerBlockEntity,
  LedgerLeafEntity,
  LedgerNodeEntity,
  SealQueueEntity,
  ServiceSecretEntity,
  SuppressionEntity,
  SystemEventEntity,
} from './ledger/ledger.entities';
import { ApiKeyEntity } from './api-keys/api-key.entity';
import { CampaignEntity, CampaignVersionEntity } from './campaigns/campaign.entity';
import { ConsentLifecycleEntity } from './lifecycle/consent-lifecycle.entity';
import { CustomerPreferenceEntity } from './preferences/customer-preference.entity';
import { SendEntity } from './preferences/send.entity';
import { OutboxEventEntity, WebhookDeliveryEntity, WebhookEndpointEntity } from './webhooks/webhook.entities';
import { ConsentEventEntity } from './events/consent-event.entity';
import { ContactPointEntity } from './customers/contact-point.entity';
import { CustomerEntity } from './customers/customer.entity';
import { IdempotencyRecordEntity } from './idempotency/idempotency-record.entity';
import { ErasedInboundMessageEntity, InboundMessageEntity } from './inbound/inbound-message.entity';
import { SenderEntity } from './inbound/sender.entity';
import { ConsentImportEntity, ConsentImportRejectionEntity } from './imports/import.entities';
import { RateLimitWindowEntity } from './rate-limit/rate-limit.entity';

/** Every table the service owns; migrations must agree with these (see test/schema-drift.e2e-spec.ts). */
export const ENTITIES = [
  ApiKeyEntity,
  CampaignEntity,
  CustomerEntity,
  ContactPointEntity,
  ConsentEventEntity,
  IdempotencyRecordEntity,
  SenderEntity,
  InboundMessageEntity,
  CampaignVersionEntity,
  ConsentLifecycleEntity,
  WebhookEndpointEntity,
  OutboxEventEntity,
  WebhookDeliveryEntity,
  CustomerPreferenceEntity,
  SendEntity,
  SystemEventEntity,
  SealQueueEntity,
  LedgerBlockEntity,
  LedgerLeafEntity,
  LedgerNodeEntity,
  SuppressionEntity,
  AuditExportEntity,
  ServiceSecretEntity,
  ConsentImportEntity,
  ConsentImportRejectionEntity,
  RateLimitWindowEntity,
  ErasedInboundMessageEntity,
];
