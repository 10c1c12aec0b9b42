import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../common/problem';
import { sendPage } from './page-http';
import { PagesService } from './pages.service';
import type { PageError } from './views';

const PAGE_URL = /^\/(?:u|preferences)\/([^/?]*)(?:\?(.*))?$/;

/**
 * Errors on the customers' pages are pages too, in the page's language: what the problem
 * filter sends instead of problem+json when the request was for one (ProblemRenderer).
 */
@Injectable()
export class PageErrors {
  constructor(private readonly pages: PagesService) {}

  render = (problem: Problem, request: FastifyRequest, reply: FastifyReply, requestId: string | undefined): boolean => {
    const m = PAGE_URL.exec(request.url ?? '');
    if (!m) return false;
    const kind: PageError = problem.status >= 500 ? 'failed' : problem.status === 404 ? 'invalid' : 'bad_request';
    const lang = new URLSearchParams(m[2] ?? '').get('lang');
    const answer = this.pages.errorAnswer(problem.status, kind, request.url.split('?')[0], {
      token: m[1],
      lang,
      acceptLanguage: request.headers['accept-language'],
    });
    if ('redirect' in answer) return false;
    sendPage(reply, answer.status, answer.page, { ...problem.headers, ...(requestId ? { 'x-request-id': requestId } : {}) });
    return true;
  };
}
