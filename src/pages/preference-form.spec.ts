import { boxChanges, pauseAfter, preferredAfter, quietHoursOf, readCentreForm, runningPause, shownQuietHours } from './preference-form';

const NOW = new Date('2026-11-30T12:00:00.000Z');

describe('the preference centre form', () => {
  describe('boxes', () => {
    const standing = new Map([
      ['weekly|sms', true],
      ['weekly|email', false],
      ['flash|sms', true],
      ['flash|email', false],
    ]);
    const shown = new Set(['weekly|sms', 'flash|sms']);

    it('a box ticked that was shown unticked is an opt-in; unticked that was shown ticked, an opt-out', () => {
      expect(boxChanges({ checked: new Set(['weekly|sms', 'weekly|email']), shown }, standing)).toEqual({ optIns: ['weekly|email'], optOuts: ['flash|sms'] });
    });

    it('a box left as shown records nothing, even when what stands changed meanwhile (a STOP texted while the page was open stands)', () => {
      const afterStop = new Map([...standing, ['weekly|sms', false]]);
      expect(boxChanges({ checked: new Set(shown), shown }, afterStop)).toEqual({ optIns: [], optOuts: [] });
    });

    it('a change that would not change what stands records nothing', () => {
      const alreadyIn = new Map([...standing, ['weekly|email', true]]);
      expect(boxChanges({ checked: new Set([...shown, 'weekly|email']), shown }, alreadyIn)).toEqual({ optIns: [], optOuts: [] });
    });

    it('boxes not on the page are not read', () => {
      const form = new URLSearchParams('consent=weekly%7Csms&consent=other%7Csms&shown=nope%7Cemail&form=t');
      const read = readCentreForm(form, new Set(standing.keys()));
      expect([...read.checked]).toEqual(['weekly|sms']);
      expect([...read.shown]).toEqual([]);
    });
  });

  describe('quiet hours', () => {
    const shown = { from: '21:00', to: '08:00' };
    const current = { start: '21:00', end: '08:00', days: [1, 2, 3, 4, 5] };

    it('left as shown, keep what stood (its weekdays too)', () => {
      expect(quietHoursOf(shown, shown, current)).toEqual({ value: current });
    });

    it('changed, take the new times and keep the weekdays', () => {
      expect(quietHoursOf({ from: '22:00', to: '07:30' }, shown, current)).toEqual({ value: { start: '22:00', end: '07:30', days: [1, 2, 3, 4, 5] } });
    });

    it('both emptied, are removed', () => {
      expect(quietHoursOf({ from: '', to: '' }, shown, current)).toEqual({ value: null });
    });

    it('need both times, two different ones, written as hours and minutes', () => {
      expect(quietHoursOf({ from: '22:00', to: '' }, shown, current)).toEqual({ problem: 'quietBoth' });
      expect(quietHoursOf({ from: '22:00', to: '22:00' }, shown, current)).toEqual({ problem: 'quietSame' });
      expect(quietHoursOf({ from: '00:00', to: '24:00' }, shown, current)).toEqual({ problem: 'quietSame' });
      expect(quietHoursOf({ from: '10pm', to: '07:00' }, shown, current)).toEqual({ problem: 'quietFormat' });
    });

    it('are shown as a time field can show them', () => {
      expect(shownQuietHours({ start: '21:00', end: '24:00' })).toEqual({ from: '21:00', to: '00:00' });
      expect(shownQuietHours(null)).toEqual({ from: '', to: '' });
    });
  });

  it('preferred channels keep their order; newly ticked ones come after; one the page did not offer keeps its place', () => {
    expect(preferredAfter(['whatsapp', 'email', 'sms'], ['sms', 'email', 'push'], ['sms', 'email', 'push', 'whatsapp'])).toEqual(['email', 'sms', 'push']);
    expect(preferredAfter(['messenger', 'sms'], ['email'], ['sms', 'email'])).toEqual(['messenger', 'email']);
  });

  describe('a pause', () => {
    it('ends a week, a month or three months from now', () => {
      expect(pauseAfter('P7D', null, NOW)).toBe('2026-12-07T12:00:00.000Z');
      expect(pauseAfter('P1M', null, NOW)).toBe('2026-12-30T12:00:00.000Z');
      expect(pauseAfter('P3M', '2026-12-01T00:00:00.000Z', NOW)).toBe('2027-02-28T12:00:00.000Z');
    });

    it('resumes now, or stays as it stands', () => {
      expect(pauseAfter('resume', '2026-12-07T12:00:00.000Z', NOW)).toBeNull();
      expect(pauseAfter('keep', '2026-12-07T12:00:00.000Z', NOW)).toBe('2026-12-07T12:00:00.000Z');
      expect(pauseAfter('none', null, NOW)).toBeNull();
    });

    it('is running only until it ends', () => {
      expect(runningPause('2026-12-07T12:00:00.000Z', NOW)).toBe('2026-12-07T12:00:00.000Z');
      expect(runningPause('2026-11-30T12:00:00.000Z', NOW)).toBeNull();
      expect(runningPause(null, NOW)).toBeNull();
    });

    it('an unknown choice is no change', () => {
      expect(readCentreForm(new URLSearchParams('pause=forever'), new Set()).pause).toBe('none');
    });
  });
});
