import type { Readable } from 'node:stream';
import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/scopes';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, RequireScopes } from '../auth/scopes';
import { Problem } from '../common/problem';
import { idempotencyKeyOf } from '../idempotency/idempotency.service';
import { IMPORT_MEDIA_TYPES, mediaTypeFormat } from './import-media';
import { ImportDto, ImportListQuery, ImportQuery } from './import.dto';
import { IMPORT_REJECTIONS_KEPT, ImportsService } from './imports.service';
import { ImportRejection, ImportRow, ImportsRepository } from './imports.repository';
import { uuidParam } from '../common/pipes';
import { Summary, ApiProblems, Idempotent } from '../common/api-docs';

@ApiTags('imports')
@ApiBearerAuth()
@Controller('v1/imports')
export class ImportsController {
  constructor(
    private readonly service: ImportsService,
    private readonly imports: ImportsRepository,
  ) {}

  @Post()
  @Summary('Import a file of consent events')
  @ApiProblems({
    408: ['IMPORT.UPLOAD_TIMEOUT'],
    409: ['IMPORT.IN_PROGRESS', 'IMPORT.FILE_CHANGED', 'IMPORT.TAKEN_OVER'],
    422: ['IMPORT.MALFORMED'],
    429: ['IMPORT.TOO_MANY'],
  })
  @Idempotent()
  @HttpCode(201)
  @RequireScopes('consents:write')
  @ApiConsumes(...IMPORT_MEDIA_TYPES)
  @ApiBody({
    description:
      'CSV with a header (customerId, channel, address or phone_number, campaignId, action, occurredAt or date, language, jurisdiction, noticeVersion, text), a list of phone numbers with an optional date column (a Twilio opt-out export), or NDJSON of POST /v1/consents bodies. Streamed: any size up to IMPORT_MAX_BYTES.',
    schema: { type: 'string' },
  })
  @ApiCreatedResponse({
    type: ImportDto,
    description:
      'The import as it ended. Rejected rows are listed, not fatal. The same file posted again with the same Idempotency-Key resumes an unfinished import (201), or replays a finished one (200).',
  })
  @ApiOkResponse({ type: ImportDto, description: 'Replayed: this Idempotency-Key named an import of this file, already completed. Nothing was written.' })
  async create(
    @Query() query: ImportQuery,
    @CurrentPrincipal() principal: Principal,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportDto> {
    const key = idempotencyKeyOf(request.headers) ?? null;
    const format = query.format ?? mediaTypeFormat(request.headers['content-type']);
    if (!format) throw new Problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', `An import is ${IMPORT_MEDIA_TYPES.join(' or ')}.`);
    const input = request.body as Readable;
    // The whole-request deadline of other requests does not fit a file of millions of rows
    // streamed at the pace it is written; the idle timeout (no byte for 30 s) still applies.
    (request.raw.socket as { parser?: { remove?: () => void } } | null)?.parser?.remove?.();
    const { row, replayed } = await this.service.run(input, format, query, principal, key);
    if (replayed) {
      input.resume(); // the file is not needed: drain it so that the answer can be read
      reply.status(200).header('idempotent-replayed', 'true');
    }
    return (await this.toDtos([row]))[0];
  }

  @Get()
  @Summary('List imports')
  @RequireScopes('consents:write', 'consents:read')
  @ApiOkResponse({ type: ImportDto, isArray: true, description: "Newest first; the caller's own imports (every import for admin)." })
  async list(@Query() query: ImportListQuery, @CurrentPrincipal() principal: Principal): Promise<ImportDto[]> {
    const rows = await this.imports.list(this.owner(principal), query.idempotencyKey ?? null, query.limit ?? 20);
    return this.toDtos(rows);
  }

  @Get(':id')
  @Summary("An import's progress")
  @ApiProblems({ 404: ['IMPORT.NOT_FOUND'] })
  @RequireScopes('consents:write', 'consents:read')
  @ApiOkResponse({ type: ImportDto, description: 'Progress, committed chunk by chunk while the import runs.' })
  async get(@Param('id', uuidParam) id: string, @CurrentPrincipal() principal: Principal): Promise<ImportDto> {
    const row = await this.imports.find(this.owner(principal), id);
    if (!row) throw Problem.notFound('IMPORT.NOT_FOUND', `No import ${id} of yours.`);
    return (await this.toDtos([row]))[0];
  }

  /** An API key sees its own imports; admin sees everyone's. */
  private owner(principal: Principal): string | null {
    return principal.scopes.has('admin') ? null : principal.id;
  }

  /** The imports as answered, with their first rejected lines (one query for them all). */
  private async toDtos(rows: ImportRow[]): Promise<ImportDto[]> {
    const rejected = rows.filter((row) => Number(row.rows_rejected) > 0).map((row) => row.id);
    const rejections = rejected.length ? await this.imports.rejections(rejected, IMPORT_REJECTIONS_KEPT) : new Map<string, ImportRejection[]>();
    return rows.map((row) => this.toDto(row, rejections.get(row.id) ?? []));
  }

  private toDto(row: ImportRow, rejections: ImportRejection[]): ImportDto {
    return {
      id: row.id,
      status: row.status,
      format: row.format,
      idempotencyKey: row.idempotency_key,
      options: row.options,
      rowsRead: Number(row.lines_done),
      rowsWritten: Number(row.rows_written),
      rowsRejected: Number(row.rows_rejected),
      rejections,
      error: row.error,
      startedAt: row.started_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      completedAt: row.completed_at ? row.completed_at.toISOString() : null,
    };
  }
}
