import type { CoveringEvent } from '../decisions/send-decision.policy';
import { standsOptedOut } from './consent-state';

const state = (id: string, action: string, campaignId: string | null, minute: number): CoveringEvent => {
  const at = new Date(Date.UTC(2026, 10, 30, 12, minute)).toISOString();
  return { id, action, campaignId, occurredAt: at, recordedAt: at };
};

describe('out of a whole channel', () => {
  it('when the newest channel-wide state is an opt-out and nothing was given since', () => {
    expect(standsOptedOut([state('1', 'opt_in', 'weekly', 1), state('2', 'opt_out', null, 2)])).toBe(true);
    expect(standsOptedOut([state('1', 'opt_out', null, 2), state('2', 'opt_out', 'weekly', 3)])).toBe(true);
  });

  it('not when a campaign was opted in after it: that campaign is allowed again', () => {
    expect(standsOptedOut([state('1', 'opt_out', null, 1), state('2', 'opt_in', 'weekly', 2)])).toBe(false);
    expect(standsOptedOut([state('1', 'opt_out', null, 1), state('2', 'pending_confirmation', 'weekly', 2)])).toBe(false);
  });

  it('not when the newest channel-wide state gives consent, nor with no channel-wide state at all', () => {
    expect(standsOptedOut([state('1', 'opt_out', null, 1), state('2', 'opt_in', null, 2)])).toBe(false);
    expect(standsOptedOut([state('1', 'opt_out', 'weekly', 1)])).toBe(false);
    expect(standsOptedOut([])).toBe(false);
  });
});
