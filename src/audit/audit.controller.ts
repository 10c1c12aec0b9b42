import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, RequireScopes } from '../auth/scopes';
import { withoutIdleTimeout } from '../common/http-limits';
import {
  AuditEventsQuery,
  AuditExportQuery,
  AuditVerifyQuery,
  ConsentReceiptDto,
  EntryParams,
  EntryProofDto,
  EntryProofQuery,
  ExportProofDto,
  LedgerHeadDto,
  LedgerPageDto,
  VerifyResultDto,
} from './audit.dto';
import { ConsentReceipt } from './receipt';
import { EntryProof } from '../ledger/entry-proof';
import { AuditService } from './audit.service';
import { ExportProof } from './export-format';
import { LedgerHead, LedgerService, VerifyResult } from '../ledger/ledger.service';
import { SystemEvents } from '../ledger/system-events';
import { uuidParam } from '../common/pipes';
import { Summary, ApiProblems } from '../common/api-docs';

@ApiTags('audit')
@ApiBearerAuth()
@RequireScopes('audit:read')
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly systemEvents: SystemEvents,
  ) {}

  @Get('head')
  @Summary("The ledger's head")
  @ApiOkResponse({ type: LedgerHeadDto, description: 'The ledger head now: write down `blocks` and `ledgerRoot` to check later that history only grew.' })
  head(): Promise<LedgerHead> {
    return this.ledger.head();
  }

  @Get('verify')
  @Summary('Verify the ledger')
  @ApiOkResponse({ type: VerifyResultDto, description: 'ok: false names the first entry or block that fails. Answers 200 either way.' })
  async verify(@Query() q: AuditVerifyQuery, @CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): Promise<VerifyResult> {
    const known = q.knownBlocks !== undefined || q.knownRoot !== undefined ? { blocks: q.knownBlocks ?? 0, ledgerRoot: q.knownRoot ?? '' } : undefined;
    const result = await withoutIdleTimeout(request, () => this.ledger.verify({ fromBlock: q.fromBlock, toBlock: q.toBlock, known }));
    await this.systemEvents.record('audit.verified', principal.actor, null, {
      query: { ...q },
      ok: result.ok,
      events: result.events,
      blocks: result.blocks,
      ...(result.failure ? { failure: result.failure } : {}),
    });
    return result;
  }

  @Get('events')
  @Summary('Ledger entries by filter')
  @ApiOkResponse({ type: LedgerPageDto, description: 'Sealed ledger entries matching the filter, oldest first (`order=desc`: newest first).' })
  events(@Query() q: AuditEventsQuery, @CurrentPrincipal() principal: Principal): Promise<LedgerPageDto> {
    return this.audit.events(q, principal);
  }

  @Get('export')
  @Summary('Export ledger entries with their proof')
  @ApiOkResponse({
    content: {
      'application/x-ndjson': { schema: { type: 'string', description: 'One JSON object per entry, then a `{"proof": ...}` line.' } },
      'text/csv': { schema: { type: 'string', description: 'RFC 4180, a header row, CRLF line ends.' } },
    },
    headers: {
      'Content-Disposition': { required: true, schema: { type: 'string' }, description: '`attachment; filename="consent-ledger-<id>.<format>"`.' },
      'X-Export-Id': { required: true, schema: { type: 'string', format: 'uuid' }, description: 'The export, as recorded in the ledger.' },
      Link: {
        required: true,
        schema: { type: 'string' },
        description: '`</v1/audit/exports/<id>/proof>; rel="proof"`: where the proof is once the body is complete.',
      },
      'Cache-Control': { required: true, schema: { type: 'string', enum: ['no-store'] } },
    },
    description:
      'Streamed, oldest first: one row per entry with every field and its ledger data. NDJSON ends with a `{"proof": …}` line; ' +
      'a CSV file\'s proof is at the `Link: rel="proof"` URL once the body is complete. Verify offline with `npm run audit:verify -- --file`.',
  })
  async export(@Query() q: AuditExportQuery, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    const started = await this.audit.export(q, principal);
    await reply
      .header('content-type', started.contentType)
      .header('content-disposition', `attachment; filename="${started.filename}"`)
      .header('x-export-id', started.id)
      .header('link', `</v1/audit/exports/${started.id}/proof>; rel="proof"`)
      .header('cache-control', 'no-store')
      .send(started.stream);
  }

  @Get('entries/:seq/proof')
  @Summary("One entry's proof of inclusion, up to the head")
  @ApiProblems({ 404: ['ENTRY.NOT_FOUND'] })
  @ApiOkResponse({
    type: EntryProofDto,
    description:
      "Everything needed to check, without trusting the service, that the entry is in the ledger: recompute its leaf hash from its fields, climb its block's tree with `leafPath`, hash the block header, climb the ledger tree with `blockPath`, and compare with `head.ledgerRoot` (one you wrote down, with `headBlocks`).",
  })
  entryProof(@Param() params: EntryParams, @Query() q: EntryProofQuery, @CurrentPrincipal() principal: Principal): Promise<EntryProof> {
    return this.audit.entryProof(params.seq, q.headBlocks, principal);
  }

  @Get('entries/:seq/receipt')
  @Summary('A consent receipt of one entry, with its proof')
  @ApiProblems({ 404: ['ENTRY.NOT_FOUND'], 422: ['ENTRY.NOT_CONSENT'] })
  @ApiOkResponse({
    type: ConsentReceiptDto,
    headers: {
      'Content-Disposition': { required: true, schema: { type: 'string' }, description: '`attachment; filename="consent-receipt-<seq>.json"`.' },
      'Cache-Control': { required: true, schema: { type: 'string', enum: ['no-store'] } },
    },
    description: 'A consent record shaped after ISO/IEC TS 27560, with its proof: `npm run audit:verify -- --receipt FILE` checks it offline.',
  })
  async receipt(
    @Param() params: EntryParams,
    @Query() q: EntryProofQuery,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConsentReceipt> {
    const receipt = await this.audit.receipt(params.seq, q.headBlocks, principal);
    void reply.header('content-disposition', `attachment; filename="consent-receipt-${params.seq}.json"`).header('cache-control', 'no-store');
    return receipt;
  }

  @Get('exports/:id/proof')
  @Summary('The proof of a completed export')
  @ApiProblems({ 404: ['EXPORT.NOT_FOUND'], 409: ['EXPORT.INCOMPLETE'] })
  @ApiOkResponse({ type: ExportProofDto, description: 'The proof of a completed export (what the NDJSON file ends with).' })
  proof(@Param('id', uuidParam) id: string): Promise<ExportProof> {
    return this.audit.proof(id);
  }
}
