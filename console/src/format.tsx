/** How the console writes times and values: the staff member's own time zone, UTC on hover. */
const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function utcText(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : `${d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, '')} UTC`;
}

export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">—</span>;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return <span>{iso}</span>;
  return (
    <time dateTime={d.toISOString()} title={utcText(iso)}>
      {local.format(d)}
    </time>
  );
}

export const timeZoneName = zone;

/** snake_case codes as words: opt_out → "opt out". */
export const words = (code: string | null | undefined): string => (code ? code.replace(/_/g, ' ') : '—');

/** First letter up: "opt out" → "Opt out". */
export const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** A duration in milliseconds, roughly: "850 ms", "4.2 s", "3 min". */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
