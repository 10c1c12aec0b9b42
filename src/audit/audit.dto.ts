import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import { CHANNELS, Channel, MAX_ADDRESS_LENGTH } from '../common/channels';
import { CAMPAIGN_ID_MAX, CUSTOMER_ID_MAX, ID_MESSAGE, ID_PATTERN } from '../common/identifiers';
import { IsInstant, IsPageCursor, IsPageLimit } from '../common/validators';
import { EVENT_ACTIONS } from '../events/consent-event.dto';
import { SYSTEM_EVENT_TYPES } from '../ledger/system-events';

export const ENTRY_TYPES = [...EVENT_ACTIONS, ...SYSTEM_EVENT_TYPES] as const;

/** Which ledger entries: all filters combine (AND); none means the whole ledger. */
export class AuditFilterQuery {
  @ApiPropertyOptional({ description: 'Recorded at or after (ISO 8601).' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Recorded before (ISO 8601).' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ maxLength: CUSTOMER_ID_MAX, description: 'Events of this customer and of their contact points.' })
  @IsOptional()
  @IsString()
  @Length(1, CUSTOMER_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  customerId?: string;

  @ApiPropertyOptional({
    maxLength: MAX_ADDRESS_LENGTH,
    description: 'A contact point (normalised like everywhere else; give `channel` for anything but a phone number or an email).',
  })
  @IsOptional()
  @IsString()
  @Length(1, MAX_ADDRESS_LENGTH)
  address?: string;

  @ApiPropertyOptional({ enum: CHANNELS })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ maxLength: CAMPAIGN_ID_MAX })
  @IsOptional()
  @IsString()
  @Length(1, CAMPAIGN_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  campaignId?: string;

  @ApiPropertyOptional({ description: `Comma-separated entry types: ${ENTRY_TYPES.join(', ')}.`, type: String })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((t) => t.trim()) : value))
  @ArrayMaxSize(ENTRY_TYPES.length)
  @IsIn(ENTRY_TYPES, { each: true, message: `types must be a comma-separated list of: ${ENTRY_TYPES.join(', ')}` })
  types?: string[];
}

export class AuditExportQuery extends AuditFilterQuery {
  @ApiPropertyOptional({ enum: ['ndjson', 'csv'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['ndjson', 'csv'])
  format?: 'ndjson' | 'csv';

  @ApiPropertyOptional({ description: 'Prove the blocks against the ledger head of this many blocks (one you published), instead of the current head.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  headBlocks?: number;
}

export class AuditEventsQuery extends AuditFilterQuery {
  @IsPageLimit(1000, 100)
  limit?: number;

  @IsPageCursor()
  cursor?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc', description: 'asc: oldest first (the cursor moves forward); desc: newest first.' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

export class EntryParams {
  @ApiProperty({ description: 'The ledger position of the entry (`seq`).', pattern: '^[1-9][0-9]{0,18}$' })
  @Matches(/^[1-9][0-9]{0,18}$/, { message: 'must be a ledger position (seq): a positive integer' })
  seq: string;
}

export class EntryProofQuery {
  @ApiPropertyOptional({ description: 'Prove against the ledger head of this many blocks (one you wrote down), instead of the current head.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  headBlocks?: number;
}

export class AuditVerifyQuery {
  @ApiPropertyOptional({ description: 'First block whose entries are recomputed (the chain is always checked from block 1).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  fromBlock?: number;

  @ApiPropertyOptional({ description: 'Last block whose entries are recomputed.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  toBlock?: number;

  @ApiPropertyOptional({ description: 'A head you wrote down earlier (its `blocks`): the ledger must still contain it. Give with knownRoot.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  knownBlocks?: number;

  @ApiPropertyOptional({ description: 'The `ledgerRoot` of that head.' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: 'must be a ledgerRoot (64 lowercase hex digits)' })
  knownRoot?: string;
}

export class LedgerHeadDto {
  @ApiProperty({ description: 'Entries sealed so far.' }) treeSize: string;
  @ApiProperty({ description: 'Blocks sealed so far: the size of the ledger tree.' }) blocks: number;
  @ApiProperty({ description: 'Root of the Merkle tree over all block hashes: write it down or publish it.' }) ledgerRoot: string;
  @ApiProperty({ nullable: true, type: String }) blockNo: string | null;
  @ApiProperty() blockHash: string;
  @ApiProperty({ nullable: true, type: String }) merkleRoot: string | null;
  @ApiProperty({ nullable: true, type: String }) sealedAt: string | null;
  @ApiProperty({ description: 'Events committed and not sealed yet.' }) pending: number;
  @ApiProperty({ description: 'How long the oldest of them has waited.' }) sealLagMs: number;
}

export class VerifyFailureDto {
  @ApiPropertyOptional() seq?: string;
  @ApiPropertyOptional() blockNo?: string;
  @ApiPropertyOptional({ enum: ['consent', 'system'] }) stream?: string;
  @ApiPropertyOptional() eventId?: string;
  @ApiProperty() problem: string;
}

export class VerifyResultDto {
  @ApiProperty() ok: boolean;
  @ApiProperty({ description: 'Entries recomputed.' }) events: number;
  @ApiProperty({ description: 'Blocks recomputed.' }) blocks: number;
  @ApiProperty({ type: LedgerHeadDto }) head: LedgerHeadDto;
  @ApiPropertyOptional({ type: VerifyFailureDto, description: 'The first entry or block that fails.' }) failure?: VerifyFailureDto;
}

export class LedgerEntryDto {
  @ApiProperty() seq: string;
  @ApiProperty() block: string;
  @ApiProperty({ enum: ['consent', 'system'] }) stream: string;
  @ApiProperty() eventId: string;
  @ApiProperty({ nullable: true, type: String }) customerId: string | null;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty({ nullable: true, type: String }) channel: string | null;
  @ApiProperty({ nullable: true, type: String }) channelGroup: string | null;
  @ApiProperty({ nullable: true, type: String }) campaignId: string | null;
  @ApiProperty({ description: 'Consent action, or system event type.' }) action: string;
  @ApiProperty({ nullable: true, type: String }) source: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) evidence: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) language: string | null;
  @ApiProperty({ nullable: true, type: String }) jurisdiction: string | null;
  @ApiProperty({ nullable: true, type: String }) occurredAt: string | null;
  @ApiProperty() recordedAt: string;
  @ApiProperty({ nullable: true, type: String }) expiresAt: string | null;
  @ApiProperty() recordedBy: string;
  @ApiProperty({ nullable: true, type: String }) subject: string | null;
  @ApiProperty({ nullable: true, type: String }) salt: string | null;
  @ApiProperty({ nullable: true, type: String }) commitment: string | null;
  @ApiProperty() leafHash: string;
}

export class LedgerPageDto {
  @ApiProperty({ type: LedgerEntryDto, isArray: true }) items: LedgerEntryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class BlockHeaderDto {
  @ApiProperty({ description: 'Block number, from 1.' }) blockNo: string;
  @ApiProperty({ description: 'Ledger position of its first entry.' }) firstSeq: string;
  @ApiProperty({ type: 'integer' }) size: number;
  @ApiProperty({ format: 'date-time' }) firstRecordedAt: string;
  @ApiProperty({ format: 'date-time' }) lastRecordedAt: string;
  @ApiProperty({ description: "Root of the Merkle tree over the block's leaves (hex)." }) merkleRoot: string;
  @ApiProperty({ description: "The previous block's hash (hex; zeros for the first)." }) prevHash: string;
  @ApiProperty({ format: 'date-time' }) sealedAt: string;
  @ApiProperty({ description: 'Hash of this header (hex): what the ledger tree is built over.' }) blockHash: string;
}

export class ExportHeadDto {
  @ApiProperty({ type: 'integer', description: 'Blocks of the head the export is proven against.' }) blocks: number;
  @ApiProperty({ description: 'Its ledger root (hex).' }) ledgerRoot: string;
}

/** What proves an export: its blocks, their paths to a head, and the head. */
export class ExportProofDto {
  @ApiProperty({ enum: ['consent-ledger-export/1'] }) version: string;
  @ApiProperty({ format: 'uuid' }) exportId: string;
  @ApiProperty({ format: 'date-time' }) exportedAt: string;
  @ApiProperty({
    enum: ['blocks', 'filtered'],
    description: 'blocks: whole blocks, the file proves it is complete; filtered: each row carries its audit path.',
  })
  mode: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The filter as recorded (customer ids and addresses as keyed hashes).' })
  filter: Record<string, unknown>;
  @ApiProperty({ type: 'integer' }) rows: number;
  @ApiProperty({ type: ExportHeadDto }) head: ExportHeadDto;
  @ApiProperty({ type: BlockHeaderDto, isArray: true, description: 'Headers of the blocks the rows belong to, oldest first.' }) blocks: BlockHeaderDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description: 'Per block that ends a run of consecutive blocks: its audit path in the ledger tree at `head` (hex hashes).',
  })
  paths: Record<string, string[]>;
}

export class HeadRefDto {
  @ApiProperty({ type: 'integer' }) blocks: number;
  @ApiProperty({ description: 'Root of the ledger tree at that many blocks (hex).' }) ledgerRoot: string;
}

/** What proves one entry: recompute it from `entry` up to `head` (src/ledger/entry-proof.ts). */
export class EntryProofDto {
  @ApiProperty({ enum: ['consent-ledger-entry-proof/1'] }) version: string;
  @ApiProperty({ type: LedgerEntryDto, description: 'The entry as stored now, with its salt while it has one.' }) entry: LedgerEntryDto;
  @ApiProperty({ type: BlockHeaderDto, description: 'The header of its block.' }) block: BlockHeaderDto;
  @ApiProperty({ type: String, isArray: true, description: 'Its audit path in the block (leaf index: seq - firstSeq), hex hashes.' }) leafPath: string[];
  @ApiProperty({ type: HeadRefDto, description: 'The head it is proven against.' }) head: HeadRefDto;
  @ApiProperty({ type: String, isArray: true, description: "The block's audit path in the ledger tree of `head.blocks` blocks." }) blockPath: string[];
}

class ReceiptRecordIdDto {
  @ApiProperty() seq: string;
  @ApiProperty({ enum: ['consent'] }) stream: string;
  @ApiProperty() eventId: string;
}
class ReceiptHeaderDto {
  @ApiProperty({ format: 'uuid' }) receiptId: string;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
  @ApiProperty({ description: 'BRAND_NAME: the controller issuing it.' }) issuer: string;
  @ApiProperty({ type: ReceiptRecordIdDto }) recordId: ReceiptRecordIdDto;
  @ApiProperty() schema: string;
}
class ReceiptPurposeDto {
  @ApiProperty({ nullable: true, type: String, description: 'Null: every campaign on the channel.' }) campaignId: string | null;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) purpose: string | null;
}
class ReceiptNoticeDto {
  @ApiProperty({ nullable: true, type: String }) version: string | null;
  @ApiProperty({ nullable: true, type: String }) pageUrl: string | null;
}
class ReceiptProcessingDto {
  @ApiProperty({ type: ReceiptPurposeDto, isArray: true }) purposes: ReceiptPurposeDto[];
  @ApiProperty({ nullable: true, type: String }) channel: string | null;
  @ApiProperty({ type: ReceiptNoticeDto }) notice: ReceiptNoticeDto;
  @ApiProperty({ nullable: true, type: String }) language: string | null;
  @ApiProperty({ nullable: true, type: String }) jurisdiction: string | null;
  @ApiProperty({ type: String, isArray: true, description: 'How the person can withdraw.' }) withdrawal: string[];
}
class ReceiptNameDto {
  @ApiProperty() name: string;
}
class ReceiptSubjectDto {
  @ApiProperty({ nullable: true, type: String }) customerId: string | null;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
}
class ReceiptPartiesDto {
  @ApiProperty({ type: ReceiptNameDto }) controller: ReceiptNameDto;
  @ApiProperty({ type: ReceiptSubjectDto }) subject: ReceiptSubjectDto;
  @ApiProperty() recordedBy: string;
}
class ReceiptEventDto {
  @ApiProperty() type: string;
  @ApiProperty({ nullable: true, type: String }) source: string | null;
  @ApiProperty({ nullable: true, type: String }) occurredAt: string | null;
  @ApiProperty() recordedAt: string;
  @ApiProperty({ nullable: true, type: String }) expiresAt: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) evidence: Record<string, unknown>;
}

/** A consent record shaped after ISO/IEC TS 27560, with its proof (src/audit/receipt.ts). */
export class ConsentReceiptDto {
  @ApiProperty({ enum: ['consent-receipt/1'] }) version: string;
  @ApiProperty({ type: ReceiptHeaderDto }) header: ReceiptHeaderDto;
  @ApiProperty({ type: ReceiptProcessingDto }) processing: ReceiptProcessingDto;
  @ApiProperty({ type: ReceiptPartiesDto }) parties: ReceiptPartiesDto;
  @ApiProperty({ type: ReceiptEventDto, isArray: true }) events: ReceiptEventDto[];
  @ApiProperty({ type: EntryProofDto }) proof: EntryProofDto;
}
