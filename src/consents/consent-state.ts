/**
 * Where a recipient stands on a whole channel, from the current states of each place consent
 * may sit (their address, their other contact points, their customer record). Pure.
 */
import { newestFirst } from '../decisions/decision.rules';
import type { CoveringEvent } from '../decisions/send-decision.policy';

/** Actions that give consent (or ask for it to be confirmed): each can lift an earlier channel-wide opt-out for its campaign. */
const GIVING: ReadonlySet<string> = new Set(['opt_in', 'renewed', 'pending_confirmation']);

/**
 * Out of the whole channel: the newest channel-wide state is an opt-out, and no consent was
 * given since, on any campaign (the newest covering event decides, docs/domain.md §3).
 */
export function standsOptedOut(states: readonly CoveringEvent[]): boolean {
  const sorted = [...states].sort(newestFirst);
  const channelWide = sorted.find((s) => s.campaignId === null);
  if (!channelWide || channelWide.action !== 'opt_out') return false;
  return !sorted.some((s) => GIVING.has(s.action) && newestFirst(s, channelWide) < 0);
}
