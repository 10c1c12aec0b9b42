import { useState } from 'preact/hooks';
import type { ScreenProps } from '../app';
import { download, filenameOf, messageOf, must } from '../api';
import { timeZoneName } from '../format';

const CHANNELS = ['sms', 'mms', 'rcs', 'whatsapp', 'voice', 'email', 'push', 'messenger'] as const;

/** A date field's value (the staff member's midnight) as an instant. */
const instant = (date: string) => (date ? new Date(`${date}T00:00:00`).toISOString() : undefined);

export function Export({ api }: ScreenProps) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [channel, setChannel] = useState('');
  const [campaignId, setCampaignId] = useState('');
  const [format, setFormat] = useState<'ndjson' | 'csv'>('ndjson');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ file: string; exportId: string; format: string } | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    if (from && to && from >= to) return setError('"To" must be after "From".');
    setBusy(true);
    try {
      const query = {
        format,
        from: instant(from),
        to: instant(to),
        channel: (channel || undefined) as (typeof CHANNELS)[number] | undefined,
        campaignId: campaignId.trim() || undefined,
      };
      const answer = await api.GET('/v1/audit/export', { params: { query }, parseAs: 'blob' });
      const body = await must(Promise.resolve(answer));
      const file = filenameOf(answer.response, `consent-ledger.${format}`);
      download(body, file);
      setDone({ file, exportId: answer.response.headers.get('x-export-id') ?? '', format });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const proof = async () => {
    if (!done) return;
    try {
      const answer = await api.GET('/v1/audit/exports/{id}/proof', { params: { path: { id: done.exportId } }, parseAs: 'blob' });
      download(await must(Promise.resolve(answer)), `consent-ledger-${done.exportId}.proof.json`);
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <section class="narrow">
      <h1 tabIndex={-1}>Export</h1>
      <p>
        The same file as <code>GET /v1/audit/export</code>: every matching entry with its ledger data and proof. Check it offline with{' '}
        <code>npm run audit:verify -- --file FILE</code>.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label for="export-from">From (your time zone, {timeZoneName})</label>
        <input id="export-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        <label for="export-to">To (not included)</label>
        <input id="export-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        <label for="export-channel">Channel</label>
        <select id="export-channel" value={channel} onChange={(e) => setChannel(e.currentTarget.value)}>
          <option value="">Every channel</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <label for="export-campaign">Campaign id</label>
        <input id="export-campaign" value={campaignId} onInput={(e) => setCampaignId(e.currentTarget.value)} aria-describedby="campaign-hint" />
        <p id="campaign-hint" class="hint">
          Empty: every campaign.
        </p>
        <fieldset>
          <legend>Format</legend>
          <label class="choice">
            <input type="radio" name="format" value="ndjson" checked={format === 'ndjson'} onChange={() => setFormat('ndjson')} /> NDJSON (proof inside)
          </label>
          <label class="choice">
            <input type="radio" name="format" value="csv" checked={format === 'csv'} onChange={() => setFormat('csv')} /> CSV (proof in a second file)
          </label>
        </fieldset>
        <button type="submit" disabled={busy}>
          Download
        </button>
      </form>
      <div aria-live="polite">
        {busy && <p>Exporting…</p>}
        {done && (
          <p class="status ok">
            Downloaded {done.file}.{' '}
            {done.format === 'csv' && (
              <button type="button" class="secondary" onClick={() => void proof()}>
                Download its proof
              </button>
            )}
          </p>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}
