import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LedgerRepository } from './ledger.repository';
import { ERASED_PREFIX } from './ledger-format';

/**
 * Keyed hashes (HMAC-SHA256) that stand for personal data the service must no longer hold:
 * an erased customer's id and addresses in the ledger, suppression entries, and the filters
 * recorded with each audit read. Without the key they cannot be reversed by trying every
 * phone number; with it, the service can still match a number against the suppression list.
 */
@Injectable()
export class Pseudonyms implements OnApplicationBootstrap {
  private key?: Buffer;

  constructor(
    private readonly ledger: LedgerRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // After the database module has connected and migrated (its onModuleInit).
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.pseudonymKey) {
      this.key = Buffer.from(this.config.pseudonymKey, 'utf8');
      return;
    }
    // Every replica must use the same key, and it must survive restarts: generated once, kept.
    // (Refused in production by the configuration: a backup would hold it beside the hashes.)
    new Logger('Pseudonyms').warn(
      "PSEUDONYM_KEY is not set: the key of erased customers' pseudonyms is kept in the database, so a database backup can undo erasures. Set PSEUDONYM_KEY (required with NODE_ENV=production).",
    );
    this.key = Buffer.from(await this.ledger.keptSecret('pseudonym-key', randomBytes(32).toString('hex')), 'utf8');
  }

  private hash(kind: string, value: string): string {
    if (!this.key) throw new Error('pseudonym key not loaded');
    return createHmac('sha256', this.key).update(`${kind}\u0000${value}`).digest('hex');
  }

  /** The suppression list's key for a contact point. */
  addressHash(channelGroup: string, address: string): string {
    return this.hash('address', `${channelGroup}\u0000${address}`);
  }

  erasedAddress(channelGroup: string, address: string): string {
    return ERASED_PREFIX + this.addressHash(channelGroup, address);
  }

  /**
   * How a customer or address is named in records of reads (system events): staff holding the
   * key can find who looked at whom, and the records hold no personal data to erase.
   */
  customerRef(customerId: string): string {
    return `hmac:${this.hash('customer', customerId)}`;
  }

  addressRef(address: string): string {
    return `hmac:${this.hash('address', address)}`;
  }

  /** What stands for an erased inbound message's provider id: its replay is still known as one. */
  messageRef(provider: string, messageId: string): string {
    return this.hash('inbound-message', `${provider}\u0000${messageId}`);
  }

  /** What stands for an erased inbound message's content hash (which a candidate number could match). */
  requestRef(requestHash: string): string {
    return this.hash('inbound-request', requestHash);
  }

  erasedCustomerId(customerId: string): string {
    return ERASED_PREFIX + this.hash('customer', customerId);
  }
}
