import { Column } from 'typeorm';

/** Who a row is about, as the ledger writes it: a customer, a contact point (channel group + address), or both. */
export abstract class RecipientColumns {
  @Column({ name: 'customer_id', type: 'varchar', length: 128, nullable: true })
  customerId: string | null;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  @Column({ name: 'channel_group', type: 'varchar', length: 16 })
  channelGroup: string;

  @Column({ type: 'varchar', length: 512, nullable: true })
  address: string | null;
}
