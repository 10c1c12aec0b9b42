/**
 * What a submitted preference centre means: which consents change, and the preferences that
 * follow. Pure; the service reads what stands and records what this says.
 *
 * The rules:
 * - A box changes only when the person changed it: a box ticked now that was shown unticked is
 *   an opt-in; unticked now and shown ticked, an opt-out. A box left as shown records nothing,
 *   even when its state changed meanwhile (a STOP texted while the page was open stands).
 * - A change that would not change what stands (already opted in or out) records nothing.
 * - Quiet hours: both times or neither; the two must differ. Times left as shown keep what stood.
 * - Preferred channels keep their order; channels newly ticked come after, in page order.
 * - A pause ends a week, a month or three months from now; "resume" ends it now; "keep" and
 *   "don't pause" leave it as it stands.
 */
import { CHANNELS, type Channel } from '../common/channels';
import { addDuration, parseDuration } from '../common/duration';
import { parseClock } from '../jurisdictions/local-time';
import type { PreferenceValues } from '../preferences/preferences.service';
import { PAUSE_LENGTHS } from './messages';
import type { PauseChoice } from './views';

export interface CentreForm {
  action: 'save' | 'unsubscribe_all';
  formToken: string;
  /** Boxes ticked now, and those shown ticked (`campaignId|channel`). */
  checked: Set<string>;
  shown: Set<string>;
  quiet: { from: string; to: string };
  preferred: Channel[];
  pause: PauseChoice;
}

const PAUSE_CHOICES: readonly string[] = ['none', 'keep', 'resume', ...PAUSE_LENGTHS];

/** The form as posted; anything unknown is left out (a box that is not on the page, a channel that is not one). */
export function readCentreForm(form: URLSearchParams, offered: ReadonlySet<string>): CentreForm {
  const boxes = (name: string) => new Set(form.getAll(name).filter((v) => offered.has(v)));
  const pause = form.get('pause') ?? 'none';
  return {
    action: form.get('action') === 'unsubscribe_all' ? 'unsubscribe_all' : 'save',
    formToken: form.get('form') ?? '',
    checked: boxes('consent'),
    shown: boxes('shown'),
    quiet: { from: (form.get('quiet_from') ?? '').trim(), to: (form.get('quiet_to') ?? '').trim() },
    preferred: CHANNELS.filter((c) => form.getAll('preferred').includes(c)),
    pause: PAUSE_CHOICES.includes(pause) ? (pause as PauseChoice) : 'none',
  };
}

/** The boxes whose change changes what stands: opt-ins and opt-outs to record. */
export function boxChanges(form: Pick<CentreForm, 'checked' | 'shown'>, standing: ReadonlyMap<string, boolean>): { optIns: string[]; optOuts: string[] } {
  const optIns: string[] = [];
  const optOuts: string[] = [];
  for (const [box, stands] of standing) {
    const ticked = form.checked.has(box);
    if (ticked === form.shown.has(box)) continue;
    if (ticked && !stands) optIns.push(box);
    if (!ticked && stands) optOuts.push(box);
  }
  return { optIns, optOuts };
}

export type QuietProblem = 'quietBoth' | 'quietSame' | 'quietFormat';

/** The quiet hours a form asks for, given those shown; or what is wrong with them. */
export function quietHoursOf(
  quiet: CentreForm['quiet'],
  shown: CentreForm['quiet'],
  current: PreferenceValues['quietHours'],
): { value: PreferenceValues['quietHours'] } | { problem: QuietProblem } {
  if (quiet.from === shown.from && quiet.to === shown.to) return { value: current };
  if (quiet.from === '' && quiet.to === '') return { value: null };
  if (quiet.from === '' || quiet.to === '') return { problem: 'quietBoth' };
  const [start, end] = [parseClock(quiet.from), parseClock(quiet.to)];
  if (start === undefined || end === undefined) return { problem: 'quietFormat' };
  if (start % 1440 === end % 1440) return { problem: 'quietSame' };
  return { value: { start: quiet.from, end: quiet.to, ...(current?.days ? { days: current.days } : {}) } };
}

/** Quiet hours as a time field shows them (it has no 24:00). */
export function shownQuietHours(current: PreferenceValues['quietHours']): CentreForm['quiet'] {
  const clock = (t: string) => (t === '24:00' ? '00:00' : t);
  return current ? { from: clock(current.start), to: clock(current.end) } : { from: '', to: '' };
}

/** The preferred channels after the form: kept in their order, newly ticked ones after. */
export function preferredAfter(current: readonly string[], ticked: readonly Channel[], offered: readonly Channel[]): string[] {
  const tickedSet = new Set<string>(ticked);
  const offeredSet = new Set<string>(offered);
  // A channel the page did not offer keeps its place: the form says nothing of it.
  const kept = current.filter((c) => tickedSet.has(c) || !offeredSet.has(c));
  return [...kept, ...ticked.filter((c) => !kept.includes(c))];
}

/** When the pause ends after the form (null: no pause). */
export function pauseAfter(choice: PauseChoice, current: string | null, now: Date): string | null {
  if (choice === 'keep' || choice === 'none') return current;
  if (choice === 'resume') return null;
  return addDuration(now, parseDuration(choice)!).toISOString();
}

/** A pause still running at `now`, or null. */
export function runningPause(pausedUntil: string | null, now: Date): string | null {
  return pausedUntil !== null && Date.parse(pausedUntil) > now.getTime() ? pausedUntil : null;
}
