import { useEffect, useState } from 'preact/hooks';
import type { ScreenProps } from '../app';
import { download, filenameOf, messageOf, must, type Schemas } from '../api';
import { Time, sentence, timeZoneName, words } from '../format';
import { isAdmin } from '../session';
import { ScrollTable } from '../table';
import { verifyEntry, type ProofVerdict } from '../verify';

type Person = Schemas['PersonDto'];
type Entry = Schemas['LedgerEntryDto'];

const PAGE = 50;

export function Person({ api, session }: ScreenProps) {
  const [query, setQuery] = useState(() => new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('q') ?? '');
  const [person, setPerson] = useState<Person | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const search = async (q: string) => {
    setError(null);
    setPerson(null);
    if (!q.trim()) return setError('Enter a phone number, an email or a customer id.');
    setBusy(true);
    try {
      setPerson(await must(api.GET('/v1/audit/people', { params: { query: { q: q.trim() } } })));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    // Only the search the page was opened with (#/person?q=...) runs by itself.
    if (query) void search(query);
  }, []);

  return (
    <section>
      <h1 tabIndex={-1}>Find a person</h1>
      <form
        class="inline"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search(query);
        }}
      >
        <label for="search">Search</label>
        <input
          id="search"
          type="search"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
          aria-describedby="search-hint"
          autoComplete="off"
          spellcheck={false}
        />
        <button type="submit" disabled={busy}>
          Search
        </button>
        <p id="search-hint" class="hint">
          A phone number in any common format, an email, or a customer id.
        </p>
      </form>
      <div aria-live="polite">
        {busy && <p>Searching…</p>}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </div>
      {person && <Story api={api} session={session} person={person} onErased={() => void search(query)} />}
    </section>
  );
}

function Story({ api, session, person, onErased }: ScreenProps & { person: Person; onErased: () => void }) {
  const title = person.customerId ? `Customer ${person.customerId}` : (person.contactPoints[0]?.address ?? 'Erased person');
  return (
    <article class="story" aria-labelledby="story-title">
      <h2 id="story-title">{title}</h2>
      {person.erased ? (
        <p class="status erased" role="status">
          Erased{person.erasedAt ? ' on ' : ''}
          <Time iso={person.erasedAt} />: the ledger holds pseudonyms only, and the contact points are suppressed.
        </p>
      ) : (
        <>
          <p>
            Found as {words(person.matchedAs)}. Contact points:{' '}
            {person.contactPoints.length ? person.contactPoints.map((p) => `${p.address} (${p.channel})`).join(', ') : 'none recorded'}.
          </p>
          <ConsentTable rows={person.consent} />
          <History api={api} session={session} filter={person.history} />
          {isAdmin(session.scopes) && person.customerId && <Erase api={api} session={session} customerId={person.customerId} onErased={onErased} />}
        </>
      )}
    </article>
  );
}

function ConsentTable({ rows }: { rows: Person['consent'] }) {
  return (
    <section aria-labelledby="consent-title">
      <h3 id="consent-title">Current consent</h3>
      {rows.length === 0 ? (
        <p>No campaign sends on a channel this person can be reached on.</p>
      ) : (
        <ScrollTable labelledBy="consent-title" columns={['Campaign', 'Channel', 'State', 'Reason', 'Since', 'Re-confirm by', 'Lapses', 'Expires']}>
          {rows.map((r) => (
            <tr key={`${r.campaignId}/${r.channel}`}>
              <th scope="row">
                {r.campaignName} <span class="muted">({words(r.purpose)})</span>
              </th>
              <td>{r.channel}</td>
              <td>
                <span class={`pill ${r.outcome}`}>{r.outcome === 'allow' ? 'May send' : r.outcome === 'defer' ? 'Not now' : 'May not send'}</span>
              </td>
              <td>
                {words(r.reason)}
                {r.nextAllowedAt && (
                  <>
                    {' '}
                    until <Time iso={r.nextAllowedAt} />
                  </>
                )}
              </td>
              <td>
                {r.basisAction ? `${words(r.basisAction)} ` : ''}
                <Time iso={r.since} />
              </td>
              <td>
                <Time iso={r.reconfirmBy} />
              </td>
              <td>
                <Time iso={r.lapsesAt} />
              </td>
              <td>
                <Time iso={r.expiresAt} />
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </section>
  );
}

/** Newest first, a page at a time through the API's cursors: ten thousand entries cost one page each. */
function History({ api, filter }: ScreenProps & { filter: Person['history'] }) {
  const [pages, setPages] = useState<string[]>(['0']);
  const [page, setPage] = useState<{ items: Entry[]; nextCursor: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cursor = pages[pages.length - 1];

  useEffect(() => {
    let live = true;
    setError(null);
    must(
      api.GET('/v1/audit/events', {
        params: { query: { ...filter, order: 'desc', limit: PAGE, cursor: cursor === '0' ? undefined : cursor } },
      }),
    )
      .then((p) => live && setPage(p))
      .catch((err: unknown) => live && setError(messageOf(err)));
    return () => {
      live = false;
    };
  }, [api, filter, cursor]);

  return (
    <section aria-labelledby="history-title">
      <h3 id="history-title">History</h3>
      <p class="hint">Newest first, sealed entries only (entries are sealed within seconds). Times in {timeZoneName}; hover for UTC.</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {page && page.items.length === 0 && <p>No sealed entry yet.</p>}
      {page && page.items.length > 0 && (
        <ol class="history">
          {page.items.map((e) => (
            <HistoryEntry key={e.seq} api={api} entry={e} />
          ))}
        </ol>
      )}
      <div class="pager">
        <button type="button" class="secondary" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
          Newer entries
        </button>
        <span>Page {pages.length}</span>
        <button type="button" class="secondary" disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setPages([...pages, page.nextCursor])}>
          Older entries
        </button>
      </div>
    </section>
  );
}

function Evidence({ entry }: { entry: Entry }) {
  const ev = entry.evidence as Record<string, unknown>;
  const shown = Object.entries(ev).filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (!shown.length) return null;
  const label: Record<string, string> = {
    text: 'They wrote',
    matched: 'Rule that read it',
    pageUrl: 'Page',
    noticeVersion: 'Notice version',
    messageId: 'Message',
    userAgent: 'Browser',
    ip: 'IP address',
    decisionId: 'Decision',
    basis: "Decision's basis",
    sender: 'To (our number)',
    provider: 'Provider',
    accountSid: 'Provider account',
    reason: 'Reason',
  };
  return (
    <dl class="evidence">
      {shown.map(([k, v]) => (
        <div key={k}>
          <dt>{label[k] ?? k}</dt>
          <dd>{typeof v === 'string' ? (k === 'text' ? `“${v}”` : v) : JSON.stringify(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function HistoryEntry({ api, entry }: { api: ScreenProps['api']; entry: Entry }) {
  const [verdict, setVerdict] = useState<(ProofVerdict & { head?: { blocks: number } }) | null>(null);
  const [busy, setBusy] = useState<'verify' | 'receipt' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = `entry-${entry.seq}`;

  const verify = async () => {
    setBusy('verify');
    setVerdict(null);
    setError(null);
    try {
      setVerdict(await verifyEntry(api, entry.seq));
    } catch (err) {
      setVerdict({ ok: false, problem: messageOf(err) });
    } finally {
      setBusy(null);
    }
  };

  const receipt = async () => {
    setBusy('receipt');
    setError(null);
    try {
      const answer = await api.GET('/v1/audit/entries/{seq}/receipt', { params: { path: { seq: entry.seq } }, parseAs: 'blob' });
      const body = await must(Promise.resolve(answer));
      download(body, filenameOf(answer.response, `consent-receipt-${entry.seq}.json`));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <li class="entry" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>
        {sentence(words(entry.action))}
        {entry.channel ? ` · ${entry.channel}` : ''}
        {entry.campaignId ? ` · ${entry.campaignId}` : ' · every campaign'}
      </h4>
      <p class="meta">
        <Time iso={entry.occurredAt ?? entry.recordedAt} /> · source {words(entry.source)} · recorded by {entry.recordedBy} · ledger entry {entry.seq}, block{' '}
        {entry.block}
      </p>
      <Evidence entry={entry} />
      <div class="actions">
        <button type="button" class="secondary" onClick={() => void verify()} disabled={busy !== null} aria-describedby={`${id}-title`}>
          Verify
        </button>
        {entry.stream === 'consent' && (
          <button type="button" class="secondary" onClick={() => void receipt()} disabled={busy !== null} aria-describedby={`${id}-title`}>
            Download receipt
          </button>
        )}
        <span role="status" class="verdict">
          {busy === 'verify' && 'Checking the proof…'}
          {verdict?.ok && <strong class="ok">Verified</strong>}
          {verdict?.ok && verdict.head && (
            <span>
              {' '}
              up to the ledger head of {verdict.head.blocks} {verdict.head.blocks === 1 ? 'block' : 'blocks'}, checked in this browser
            </span>
          )}
          {verdict && !verdict.ok && (
            <>
              <strong class="bad">Not verified</strong>: {verdict.problem}
            </>
          )}
        </span>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

function Erase({ api, customerId, onErased }: ScreenProps & { customerId: string; onErased: () => void }) {
  const [open, setOpen] = useState(false);
  const [again, setAgain] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const erase = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (again !== customerId) return setError(`Type the customer id exactly as shown (${customerId}) to confirm.`);
    if (!reason.trim()) return setError('Give a reason: it is recorded in the ledger with the erasure.');
    setBusy(true);
    try {
      await must(api.POST('/v1/customers/{customerId}/erasure', { params: { path: { customerId } }, body: { reason: reason.trim() } }));
      onErased();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="erase-title" class="danger-zone">
      <h3 id="erase-title">Erase</h3>
      <p>Erasure (GDPR Art. 17) cannot be undone: the ledger keeps pseudonyms only, and every contact point is suppressed.</p>
      {!open ? (
        <button type="button" class="danger" onClick={() => setOpen(true)}>
          Erase
        </button>
      ) : (
        <form onSubmit={(e) => void erase(e)} noValidate>
          <label for="erase-again">Type the customer id again to confirm</label>
          <input id="erase-again" value={again} onInput={(e) => setAgain(e.currentTarget.value)} autoComplete="off" spellcheck={false} />
          <label for="erase-reason">Reason</label>
          <input id="erase-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} maxLength={500} />
          <div class="actions">
            <button type="submit" class="danger" disabled={busy}>
              Erase permanently
            </button>
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
