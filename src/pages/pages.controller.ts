import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/scopes';
import { AcceptsAnyBody, HtmlPage, Summary } from '../common/api-docs';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Inject } from '@nestjs/common';
import { isCrossSite, sendPage, sendRedirect } from './page-http';
import { PageAnswer, PagesService, STYLE_PATH, Visitor } from './pages.service';

const HTML = { 'text/html': { schema: { type: 'string' } } };
const LANG = {
  name: 'lang',
  required: false,
  description: "The language chosen on the page (en, fr, es); else the link's, else the browser's.",
  schema: { type: 'string' },
};

/**
 * Pages for customers, reached through signed links (no key, no cookie): the preference
 * centre and one-click unsubscribe. Server-rendered HTML that works without JavaScript.
 */
@ApiTags('pages')
@Public()
@Controller()
export class PagesController {
  constructor(
    private readonly pages: PagesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private visitor(request: FastifyRequest, token: string, lang: unknown): Visitor {
    const ua = request.headers['user-agent'];
    return { token, lang, acceptLanguage: request.headers['accept-language'], ip: request.ip, userAgent: typeof ua === 'string' ? ua : undefined };
  }

  private answer(reply: FastifyReply, answer: PageAnswer): void {
    if ('redirect' in answer) return sendRedirect(reply, answer.redirect);
    // An error page names its request, as every error does: the id to quote to support.
    sendPage(reply, answer.status, answer.page, answer.status >= 400 ? { 'x-request-id': reply.request.id } : {});
  }

  @Get('preferences/:token')
  @HtmlPage()
  @Summary(
    "A customer's preference centre",
    "Campaigns by channel, quiet hours, preferred channels, a pause, and unsubscribe from all; in the link's language, or the browser's.",
  )
  @ApiQuery(LANG)
  @ApiQuery({
    name: 'done',
    required: false,
    description: 'Set by the page after saving: says what was saved.',
    schema: { type: 'string', enum: ['saved', 'unsubscribed'] },
  })
  @ApiOkResponse({ description: 'The page.', content: HTML })
  @ApiResponse({ status: 410, description: 'The link has expired: a page saying so.', content: HTML })
  async centre(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Query('done') done: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const status = done === 'saved' || done === 'unsubscribed' ? done : null;
    this.answer(reply, await this.pages.showCentre(this.visitor(request, token, lang), status));
  }

  @Post('preferences/:token')
  @HtmlPage()
  @Summary(
    'Save what a customer chose in their preference centre',
    'A form post from the page itself (its form token, and not from another site). Each change is a ledger event.',
  )
  @ApiQuery(LANG)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        form: { type: 'string', description: "The page's form token." },
        action: { type: 'string', enum: ['save', 'unsubscribe_all'] },
        consent: { type: 'array', items: { type: 'string' }, description: '`campaignId|channel` of each box ticked.' },
        shown: { type: 'array', items: { type: 'string' }, description: 'The boxes shown ticked.' },
        quiet_from: { type: 'string' },
        quiet_to: { type: 'string' },
        preferred: { type: 'array', items: { type: 'string' } },
        pause: { type: 'string', enum: ['none', 'keep', 'resume', 'P7D', 'P1M', 'P3M'] },
      },
    },
  })
  @ApiResponse({ status: 303, description: 'Saved: back to the page, which says so.', headers: { Location: { required: true, schema: { type: 'string' } } } })
  @ApiResponse({ status: 403, description: 'Sent from another site, or a form older than a day: nothing was changed.', content: HTML })
  @ApiResponse({ status: 410, description: 'The link has expired: nothing was changed.', content: HTML })
  async save(@Param('token') token: string, @Query('lang') lang: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const visitor = this.visitor(request, token, lang);
    if (isCrossSite(request, this.config.publicBaseUrl)) return this.answer(reply, this.pages.errorAnswer(403, 'form', request.url.split('?')[0], visitor));
    const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
    this.answer(reply, await this.pages.saveCentre(visitor, form));
  }

  @Get('u/:token')
  @HtmlPage()
  @Summary('What a one-click unsubscribe link stops, with a button that does it', 'Changes nothing: mail scanners follow links.')
  @ApiQuery(LANG)
  @ApiOkResponse({ description: 'The page.', content: HTML })
  async unsubscribePage(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    this.answer(reply, await this.pages.showUnsubscribe(this.visitor(request, token, lang)));
  }

  @Post('u/:token')
  @HtmlPage()
  @Summary(
    'One-click unsubscribe (RFC 8058)',
    'List-Unsubscribe=One-Click as multipart/form-data or a form, any other body, or none; no key, no cookie. Records the opt-out once; the same answer every time.',
  )
  @ApiQuery(LANG)
  @ApiConsumes('multipart/form-data', 'application/x-www-form-urlencoded')
  @AcceptsAnyBody()
  @ApiBody({ required: false, schema: { type: 'object', properties: { 'List-Unsubscribe': { type: 'string', enum: ['One-Click'] } } } })
  @ApiOkResponse({ description: 'Unsubscribed (now, or before): a short page saying so. Never a redirect.', content: HTML })
  async oneClick(@Param('token') token: string, @Query('lang') lang: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    this.answer(reply, await this.pages.unsubscribe(this.visitor(request, token, lang)));
  }

  @Get(STYLE_PATH.slice(1))
  @Summary("The pages' stylesheet", 'Served from this origin: the pages load nothing from elsewhere. Its URL carries a version, so it is cached for good.')
  @ApiQuery({ name: 'v', required: false, description: 'The version the pages ask for.', schema: { type: 'string' } })
  @ApiOkResponse({
    description: 'CSS.',
    content: { 'text/css': { schema: { type: 'string' } } },
    headers: { 'Cache-Control': { required: true, schema: { type: 'string' } } },
  })
  style(@Res() reply: FastifyReply): void {
    void reply.status(200).headers({ 'cache-control': 'public, max-age=31536000, immutable' }).type('text/css; charset=utf-8').send(this.pages.style.css);
  }
}
