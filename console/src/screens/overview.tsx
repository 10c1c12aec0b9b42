import { useEffect, useState } from 'preact/hooks';
import type { ScreenProps } from '../app';
import { messageOf, must, type Schemas } from '../api';
import { Time, durationText, words } from '../format';
import { ScrollTable } from '../table';

type Overview = Schemas['OverviewDto'];
type Entry = Schemas['LedgerEntryDto'];
type By = 'source' | 'channel';

const PALETTE = ['#1f5fa8', '#b4461b', '#2e7d32', '#7b3fa0', '#8a6d00', '#00737a', '#a01f5f', '#4d4d4d'];
const ACCESS_TYPES = 'audit.read,audit.exported,audit.verified,history.read';
const DAY_MS = 86_400_000;

interface Day {
  day: string;
  in: Record<string, number>;
  out: Record<string, number>;
}

/** Every day of the period (none left out), with counts per group. */
export function byDay(o: Overview, by: By): { days: Day[]; groups: string[] } {
  const start = Date.parse(`${o.from}T00:00:00Z`);
  const days: Day[] = Array.from({ length: o.days }, (_, i) => ({ day: new Date(start + i * DAY_MS).toISOString().slice(0, 10), in: {}, out: {} }));
  const index = new Map(days.map((d, i) => [d.day, i]));
  const groups = new Set<string>();
  for (const c of o.daily) {
    const d = days[index.get(c.day) ?? -1];
    if (!d) continue;
    const group = c[by];
    groups.add(group);
    const side = c.action === 'opt_in' ? d.in : d.out;
    side[group] = (side[group] ?? 0) + c.count;
  }
  return { days, groups: [...groups].sort() };
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

function Chart({ overview, by }: { overview: Overview; by: By }) {
  const { days, groups } = byDay(overview, by);
  const color = (g: string) => PALETTE[groups.indexOf(g) % PALETTE.length];
  const max = Math.max(1, ...days.map((d) => Math.max(sum(d.in), sum(d.out))));
  const W = 900;
  const H = 260;
  const mid = H / 2;
  const bw = W / days.length;
  const scale = (n: number) => (n / max) * (mid - 16);
  const totalIn = days.reduce((a, d) => a + sum(d.in), 0);
  const totalOut = days.reduce((a, d) => a + sum(d.out), 0);
  const label = `Opt-ins (above the line) and opt-outs (below) per day by ${by}, ${overview.days} days from ${overview.from}: ${totalIn} opt-ins, ${totalOut} opt-outs.`;

  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="none">
        {days.map((d, i) => {
          let up = mid;
          let down = mid;
          return (
            <g key={d.day}>
              {groups.map((g) => {
                const h = scale(d.in[g] ?? 0);
                up -= h;
                return h > 0 ? <rect key={`i${g}`} x={i * bw + 1} y={up} width={Math.max(bw - 2, 1)} height={h} fill={color(g)} /> : null;
              })}
              {groups.map((g) => {
                const h = scale(d.out[g] ?? 0);
                const y = down;
                down += h;
                return h > 0 ? <rect key={`o${g}`} x={i * bw + 1} y={y} width={Math.max(bw - 2, 1)} height={h} fill={color(g)} opacity="0.55" /> : null;
              })}
            </g>
          );
        })}
        <line x1="0" x2={W} y1={mid} y2={mid} stroke="#222" stroke-width="1" />
      </svg>
      <figcaption>
        <p>{label}</p>
        <ul class="legend">
          {groups.map((g) => (
            <li key={g}>
              <svg width="14" height="14" aria-hidden="true">
                <rect width="14" height="14" fill={color(g)} />
              </svg>{' '}
              {words(g)}
            </li>
          ))}
        </ul>
      </figcaption>
      <details>
        <summary>The same as a table</summary>
        <ScrollTable label="Counts per day" columns={['Day (UTC)', ...groups.map((g) => `${words(g)}: in / out`)]}>
          {days
            .filter((d) => sum(d.in) + sum(d.out) > 0)
            .map((d) => (
              <tr key={d.day}>
                <th scope="row">{d.day}</th>
                {groups.map((g) => (
                  <td key={g}>
                    {d.in[g] ?? 0} / {d.out[g] ?? 0}
                  </td>
                ))}
              </tr>
            ))}
        </ScrollTable>
      </details>
    </figure>
  );
}

function accessWhat(e: Entry): string {
  const ev = e.evidence as Record<string, unknown>;
  const detail = ev.filter ?? ev.query ?? ev.person ?? ev.proof ?? ev.receipt ?? ev.format;
  return `${words(e.action.replace('.', ' '))}${detail !== undefined ? `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}` : ''}`;
}

export function Overview({ api }: ScreenProps) {
  const [days, setDays] = useState<30 | 90>(30);
  const [by, setBy] = useState<By>('source');
  const [overview, setOverview] = useState<Overview | null>(null);
  const [access, setAccess] = useState<Entry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setError(null);
    Promise.all([
      must(api.GET('/v1/audit/overview', { params: { query: { days } } })),
      must(api.GET('/v1/audit/events', { params: { query: { types: ACCESS_TYPES, order: 'desc', limit: 25 } } })),
    ])
      .then(([o, a]) => {
        if (!live) return;
        setOverview(o);
        setAccess(a.items);
      })
      .catch((err: unknown) => live && setError(messageOf(err)));
    return () => {
      live = false;
    };
  }, [api, days]);

  return (
    <section>
      <h1 tabIndex={-1}>Overview</h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <form class="inline" onSubmit={(e) => e.preventDefault()}>
        <label for="period">Period</label>
        <select id="period" value={String(days)} onChange={(e) => setDays(e.currentTarget.value === '90' ? 90 : 30)}>
          <option value="30">30 days</option>
          <option value="90">90 days</option>
        </select>
        <label for="by">Break down by</label>
        <select id="by" value={by} onChange={(e) => setBy(e.currentTarget.value === 'channel' ? 'channel' : 'source')}>
          <option value="source">Source</option>
          <option value="channel">Channel</option>
        </select>
      </form>
      {overview && (
        <>
          <section aria-labelledby="activity-title">
            <h2 id="activity-title">Opt-ins and opt-outs</h2>
            <Chart overview={overview} by={by} />
          </section>
          <section aria-labelledby="health-title">
            <h2 id="health-title">Health</h2>
            <dl class="facts">
              <div>
                <dt>Seal lag</dt>
                <dd>
                  {durationText(overview.ledger.sealLagMs)} ({overview.ledger.pending} waiting)
                </dd>
              </div>
              <div>
                <dt>Webhook failures (24 h)</dt>
                <dd>
                  {overview.webhooks.failedLast24h} ({overview.webhooks.pending} deliveries waiting)
                </dd>
              </div>
              <div>
                <dt>Imports in progress</dt>
                <dd>
                  {overview.imports.running} running, {overview.imports.interrupted} interrupted
                </dd>
              </div>
            </dl>
          </section>
        </>
      )}
      {access && (
        <section aria-labelledby="access-title">
          <h2 id="access-title">Access log</h2>
          <p class="hint">Who read, verified or exported what, newest first: the ledger's own record (people are named by keyed hash).</p>
          <ScrollTable labelledBy="access-title" columns={['When', 'Who', 'What']}>
            {access.map((e) => (
              <tr key={e.seq}>
                <td>
                  <Time iso={e.recordedAt} />
                </td>
                <td>{e.recordedBy}</td>
                <td class="wrap">{accessWhat(e)}</td>
              </tr>
            ))}
          </ScrollTable>
        </section>
      )}
    </section>
  );
}
