import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/scopes';
import { CHANNELS, isChannel } from '../common/channels';
import { isPlainObject } from '../common/validators';
import { parseDuration } from '../common/duration';
import { FieldError, Problem } from '../common/problem';
import { PURPOSES } from '../campaigns/campaign.dto';
import { ConsentEventsRepository } from '../events/consent-events.repository';
import { CustomersService } from '../customers/customers.service';
import { Transactions } from '../database/transactions';
import { parseClock } from '../jurisdictions/local-time';
import { parseInstant } from '../common/validators';
import type { EventSource } from '../events/consent-actions';
import { PreferencesDto, PutPreferencesDto } from './preferences.dto';
import { PreferenceRow, PreferencesRepository } from './preferences.repository';

/** Preference changes are ledger events on every channel at once. */
export const ALL_CHANNELS = '*';
const PURPOSE_SET: ReadonlySet<string> = new Set(PURPOSES);

function toDto(customerId: string, row: PreferenceRow | undefined): PreferencesDto {
  return {
    customerId,
    channels: row?.channels ?? {},
    preferredChannels: row?.preferred_channels ?? [],
    quietHours: row?.quiet_hours ?? null,
    maxMessages: row?.max_messages ?? null,
    pausedUntil: row?.paused_until?.toISOString() ?? null,
    updatedAt: row?.updated_at.toISOString() ?? null,
  };
}

/** A customer's preferences, as the ledger records them (evidence.preferences of preferences_changed). */
export type PreferenceValues = Omit<PreferencesDto, 'customerId' | 'updatedAt'>;

/** Who changes preferences, and how: recorded with the change. */
export interface PreferenceChange {
  source: EventSource;
  actor: string;
  /** Beside `preferences` in the event's evidence (the page, the user agent). */
  evidence?: Record<string, unknown>;
}

const valuesOf = ({ customerId: _c, updatedAt: _u, ...values }: PreferencesDto): PreferenceValues => values;

/** The longest pause: a pause is a while, not a way to opt out without saying so. */
export const MAX_PAUSE_MS = 366 * 24 * 3600 * 1000;

@Injectable()
export class PreferencesService {
  constructor(
    private readonly repository: PreferencesRepository,
    private readonly customers: CustomersService,
    private readonly events: ConsentEventsRepository,
    private readonly transactions: Transactions,
  ) {}

  async get(customerId: string): Promise<PreferencesDto> {
    await this.customers.require(customerId);
    return toDto(customerId, await this.repository.find(customerId));
  }

  /** Replaces the customer's preferences and records the change in the ledger, in one transaction. */
  async put(customerId: string, dto: PutPreferencesDto, principal: Principal): Promise<PreferencesDto> {
    const channels = this.checkChannels(dto.channels ?? {});
    const maxMessages = dto.maxMessages === undefined ? null : this.checkCaps(dto.maxMessages);
    const values: PreferenceValues = {
      channels,
      preferredChannels: dto.preferredChannels ?? [],
      quietHours: dto.quietHours
        ? { start: dto.quietHours.start, end: dto.quietHours.end, ...(dto.quietHours.days ? { days: dto.quietHours.days } : {}) }
        : null,
      maxMessages,
      pausedUntil: dto.pausedUntil === undefined ? null : checkPause(parseInstant(dto.pausedUntil)!, 'pausedUntil').toISOString(),
    };
    checkQuietHours(values.quietHours);
    return this.transactions.run(async () => {
      await this.customers.require(customerId);
      return this.store(customerId, values, { source: 'api', actor: principal.actor });
    });
  }

  /**
   * Changes some of the customer's preferences (the preference centre): `change` gets those
   * standing and returns the new ones. Records the change only when there is one. Joins the
   * caller's transaction.
   */
  async update(
    customerId: string,
    change: (current: PreferenceValues) => PreferenceValues,
    by: PreferenceChange,
  ): Promise<{ preferences: PreferencesDto; changed: boolean }> {
    return this.transactions.run(async () => {
      await this.customers.require(customerId);
      const current = valuesOf(toDto(customerId, await this.repository.findForUpdate(customerId)));
      const next = change(current);
      checkQuietHours(next.quietHours);
      if (JSON.stringify(next) === JSON.stringify(current)) return { preferences: await this.get(customerId), changed: false };
      return { preferences: await this.store(customerId, next, by), changed: true };
    });
  }

  private async store(customerId: string, values: PreferenceValues, by: PreferenceChange): Promise<PreferencesDto> {
    const row = await this.repository.upsert({
      customer_id: customerId,
      channels: values.channels,
      preferred_channels: values.preferredChannels,
      quiet_hours: values.quietHours,
      max_messages: values.maxMessages,
      paused_until: values.pausedUntil === null ? null : new Date(values.pausedUntil),
    });
    const result = toDto(customerId, row);
    await this.events.insert({
      customerId,
      channel: ALL_CHANNELS,
      channelGroup: ALL_CHANNELS,
      address: null,
      campaignId: null,
      action: 'preferences_changed',
      source: by.source,
      evidence: { ...by.evidence, preferences: valuesOf(result) },
      language: null,
      jurisdiction: null,
      occurredAt: row.updated_at,
      recordedBy: by.actor,
    });
    return result;
  }

  private checkChannels(raw: Record<string, unknown>): Record<string, { enabled: boolean }> {
    const errors: FieldError[] = [];
    const out: Record<string, { enabled: boolean }> = {};
    for (const [channel, value] of Object.entries(raw)) {
      const field = `channels.${channel}`;
      if (!isChannel(channel)) errors.push({ field, message: `is not a channel (${CHANNELS.join(', ')})` });
      else if (!isPlainObject(value) || typeof value.enabled !== 'boolean' || Object.keys(value).length !== 1) {
        errors.push({ field, message: 'must be { "enabled": true | false }' });
      } else out[channel] = { enabled: value.enabled };
    }
    if (errors.length) throw Problem.validation(errors);
    return out;
  }

  private checkCaps(raw: Record<string, unknown>): Record<string, { count: number; per: string }> {
    const errors: FieldError[] = [];
    const out: Record<string, { count: number; per: string }> = {};
    for (const [purpose, value] of Object.entries(raw)) {
      const field = `maxMessages.${purpose}`;
      if (!PURPOSE_SET.has(purpose)) errors.push({ field, message: `is not a campaign purpose (${PURPOSES.join(', ')})` });
      else if (!isPlainObject(value) || Object.keys(value).some((k) => k !== 'count' && k !== 'per'))
        errors.push({ field, message: 'must be { "count": n, "per": "P1D" }' });
      else if (!Number.isInteger(value.count) || (value.count as number) < 1 || (value.count as number) > 10_000)
        errors.push({ field: `${field}.count`, message: 'must be an integer from 1 to 10000' });
      else if (typeof value.per !== 'string' || !parseDuration(value.per))
        errors.push({ field: `${field}.per`, message: 'must be an ISO 8601 duration such as P1D' });
      else out[purpose] = { count: value.count as number, per: value.per };
    }
    if (errors.length) throw Problem.validation(errors);
    return out;
  }
}

function checkQuietHours(quiet: PreferenceValues['quietHours']): void {
  if (!quiet) return;
  const [start, end] = [parseClock(quiet.start), parseClock(quiet.end)];
  if (start === undefined || end === undefined) throw Problem.field('quietHours', 'start and end must be times between 00:00 and 24:00');
  if (start === end) throw Problem.field('quietHours.end', 'must differ from start');
}

/** A pause ends in the future, within MAX_PAUSE_MS. */
export function checkPause(until: Date, field: string, now = new Date()): Date {
  if (until.getTime() <= now.getTime()) throw Problem.field(field, 'must be in the future (leave it out: not paused)');
  if (until.getTime() > now.getTime() + MAX_PAUSE_MS) throw Problem.field(field, 'must be at most a year ahead');
  return until;
}
