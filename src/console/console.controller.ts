import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/scopes';
import { Summary } from '../common/api-docs';
import { Problem } from '../common/problem';
import { ConsoleFile, ConsoleFiles } from './console-files';

/**
 * The app reads only this origin: its scripts, styles and the API. Nothing inline, nothing
 * from elsewhere, never framed.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const CONSOLE_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
};

/**
 * The staff console: a single-page app (console/) on the public API. Its files are public (it
 * holds no data); everything it shows comes through the API with the key staff sign in with.
 */
@ApiTags('console')
@Public()
@Controller('console')
export class ConsoleController {
  constructor(private readonly files: ConsoleFiles) {}

  private send(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile, cacheControl: string): void {
    void reply.headers({ ...CONSOLE_HEADERS, 'cache-control': cacheControl, etag: file.etag });
    if (request.headers['if-none-match'] === file.etag) return void reply.status(304).send();
    void reply.status(200).type(file.type).send(file.body);
  }

  @Get()
  @Summary('The staff console', 'A single-page app for compliance staff, on this API. Sign in with an API key holding audit:read.')
  @ApiOkResponse({
    description: 'The app.',
    content: { 'text/html': { schema: { type: 'string' } } },
    headers: {
      'Content-Security-Policy': { required: true, schema: { type: 'string' } },
      ETag: { required: true, schema: { type: 'string' } },
      'Cache-Control': { required: true, schema: { type: 'string', enum: ['no-cache'] } },
    },
  })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match).' })
  app(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    if (!this.files.index) throw Problem.unavailable('The staff console is not built on this server: run `npm run build`.', 60);
    this.send(request, reply, this.files.index, 'no-cache');
  }

  @Get('assets/:file')
  @Summary("The console's scripts and styles", 'Content-hashed names: cached for good.')
  @ApiOkResponse({
    description: 'The file.',
    content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } },
    headers: { ETag: { required: true, schema: { type: 'string' } }, 'Cache-Control': { required: true, schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match).' })
  asset(@Param('file') name: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const file = this.files.asset(name);
    if (!file) throw Problem.notFound('NOT_FOUND', 'No such file in the console.');
    this.send(request, reply, file, 'public, max-age=31536000, immutable');
  }
}
