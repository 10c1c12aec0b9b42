/**
 * What a route answers besides success, for openapi.yaml: the post-processor
 * (src/openapi.document.ts) turns these marks, and what every route of a kind answers (a
 * missing key, a bad body, the database out of reach), into problem+json responses with
 * their `code` values, headers and content types. The marks live in the operation as
 * `x-` extensions until then.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiProduces } from '@nestjs/swagger';

/** Problem `code`s a route answers, by HTTP status, beyond those of its kind. */
export type ProblemCodes = Partial<Record<number, readonly string[]>>;

export const PROBLEMS_EXTENSION = 'x-problems';
export const IDEMPOTENT_EXTENSION = 'x-idempotent';
export const HTML_PAGE_EXTENSION = 'x-html-page';
export const ANY_BODY_EXTENSION = 'x-any-body';

/** The route's own problems (404s, 409s, 422s of its domain). */
export function ApiProblems(problems: ProblemCodes): MethodDecorator {
  return ApiExtension(PROBLEMS_EXTENSION, problems) as MethodDecorator;
}

/**
 * The route honours `Idempotency-Key` (IdempotencyService.execute): the header, the
 * `Idempotent-Replayed` header on replays, and the 422 for a key reused with another request.
 */
export function Idempotent(): MethodDecorator {
  return ApiExtension(IDEMPOTENT_EXTENSION, true) as MethodDecorator;
}

/** A one-line summary (required of every operation), and optionally a longer description. */
export function Summary(summary: string, description?: string): MethodDecorator {
  return applyDecorators(ApiOperation({ summary, ...(description ? { description } : {}) }));
}

/**
 * A page for people, not an API: its errors are pages too (text/html, in the page's
 * language), and its answers carry the pages' security headers.
 */
export function HtmlPage(): MethodDecorator {
  return applyDecorators(ApiExtension(HTML_PAGE_EXTENSION, true), ApiProduces('text/html'));
}

/** The route takes any body besides those it lists (and reads none of it): `*\/*` in its request body. */
export function AcceptsAnyBody(): MethodDecorator {
  return ApiExtension(ANY_BODY_EXTENSION, true) as MethodDecorator;
}
