import { parseDuration } from './duration';
import { Problem } from './problem';
import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min, registerDecorator, ValidationOptions } from 'class-validator';
import { Type } from 'class-transformer';

export function isIanaTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 64 || !/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$|^UTC$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function IsIanaTimeZone(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be an IANA time zone name such as Europe/Paris`, ...options },
      validator: { validate: isIanaTimeZone },
    });
}

export function isLanguageTag(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 35) return false;
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

export function IsLanguageTag(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isLanguageTag',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be a BCP 47 language tag such as fr-FR`, ...options },
      validator: { validate: isLanguageTag },
    });
}

export function IsIsoDuration(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isIsoDuration',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be an ISO 8601 duration such as P180D or PT24H`, ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && v.length <= 40 && parseDuration(v) !== undefined },
    });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** Clocks disagree a little, not more: an instant a client reports may be at most 5 minutes ahead. */
export function notInFuture(instant: Date, field: string): Date {
  if (instant.getTime() > Date.now() + MAX_FUTURE_SKEW_MS) throw Problem.field(field, 'must not be more than 5 minutes in the future');
  return instant;
}

/** An ISO 8601 instant with an explicit offset or Z, as JSON carries it. */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseInstant(value: string): Date | undefined {
  if (!ISO_INSTANT.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function IsInstant(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isInstant',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be an ISO 8601 date-time with a time zone, such as 2026-03-01T12:00:00Z`, ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && parseInstant(v) !== undefined },
    });
}

const MAX_BIGINT = 2n ** 63n - 1n;

/** A position in a bigint sequence: digits, at most PostgreSQL's largest bigint. */
export function isPageCursor(value: unknown): boolean {
  return typeof value === 'string' && /^[0-9]{1,19}$/.test(value) && BigInt(value) <= MAX_BIGINT;
}

/** An optional `cursor` query parameter: the `nextCursor` of a previous page (a ledger position). */
export function IsPageCursor() {
  return applyDecorators(ApiPropertyOptional({ description: 'nextCursor from the previous page', pattern: '^[0-9]{1,19}$' }), IsOptional(), ((
    object: object,
    propertyName: string,
  ) =>
    registerDecorator({
      name: 'isPageCursor',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be a cursor returned by a previous page` },
      validator: { validate: isPageCursor },
    })) as PropertyDecorator);
}

/** An optional `limit` query parameter: a whole number from 1 to `max`, `fallback` when not given. */
export function IsPageLimit(max: number, fallback: number) {
  return applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: max, default: fallback }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(max),
  );
}

/** `limit` and `cursor` of a paged list: 1 to 200 items a page, 50 unless asked. */
export class PageQuery {
  @IsPageLimit(200, 50)
  limit?: number;

  @IsPageCursor()
  cursor?: string;
}
