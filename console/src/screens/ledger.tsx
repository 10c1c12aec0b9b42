import { useEffect, useState } from 'preact/hooks';
import type { ScreenProps } from '../app';
import { messageOf, must, type Schemas } from '../api';
import { Time, durationText } from '../format';

type Head = Schemas['LedgerHeadDto'];
type Progress = { done: number; total: number; events: number };
type Outcome = { ok: true; events: number; blocks: number } | { ok: false; failure: Schemas['VerifyFailureDto'] };

/** Blocks recomputed per request: each answers in well under a second, so progress moves. */
const BLOCKS_PER_STEP = 25;

function failureText(f: Schemas['VerifyFailureDto']): string {
  const where = f.seq ? `Entry ${f.seq}${f.eventId ? ` (${f.stream ?? ''} event ${f.eventId})` : ''}` : f.blockNo ? `Block ${f.blockNo}` : 'The ledger';
  return `${where} ${f.problem}`;
}

export function Ledger({ api }: ScreenProps) {
  const [head, setHead] = useState<Head | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const load = () =>
    must(api.GET('/v1/audit/head'))
      .then(setHead)
      .catch((err: unknown) => setError(messageOf(err)));
  useEffect(() => void load(), [api]);

  const copy = async () => {
    if (!head) return;
    try {
      await navigator.clipboard.writeText(head.ledgerRoot);
      setCopied(true);
    } catch {
      setError('The browser did not allow copying: select the root and copy it by hand.');
    }
  };

  const verify = async () => {
    setOutcome(null);
    setError(null);
    try {
      const now = await must(api.GET('/v1/audit/head'));
      setHead(now);
      const total = now.blocks;
      let events = 0;
      setProgress({ done: 0, total, events });
      // Block by block range: the chain is checked from block 1 each time, the entries of the range recomputed.
      for (let from = 1; from <= Math.max(total, 1); from += BLOCKS_PER_STEP) {
        const to = Math.min(from + BLOCKS_PER_STEP - 1, total);
        const result = await must(
          api.GET('/v1/audit/verify', { params: { query: total ? { fromBlock: from, toBlock: to, knownBlocks: total, knownRoot: now.ledgerRoot } : {} } }),
        );
        events += result.events;
        if (!result.ok) return setOutcome({ ok: false, failure: result.failure ?? { problem: 'failed, without saying where' } });
        setProgress({ done: to, total, events });
        if (!total) break;
      }
      setOutcome({ ok: true, events, blocks: total });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setProgress(null);
    }
  };

  return (
    <section>
      <h1 tabIndex={-1}>Ledger</h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {head && (
        <section aria-labelledby="head-title">
          <h2 id="head-title">Head</h2>
          <p class="hint">Write the blocks and the root down, or publish them: a later check proves the ledger only grew since.</p>
          <dl class="facts">
            <div>
              <dt>Blocks</dt>
              <dd>{head.blocks}</dd>
            </div>
            <div>
              <dt>Entries sealed</dt>
              <dd>{head.treeSize}</dd>
            </div>
            <div>
              <dt>Root</dt>
              <dd>
                <code id="ledger-root" class="hash">
                  {head.ledgerRoot}
                </code>{' '}
                <button type="button" class="secondary" onClick={() => void copy()} aria-describedby="ledger-root">
                  Copy
                </button>
                <span role="status">{copied ? ' Copied' : ''}</span>
              </dd>
            </div>
            <div>
              <dt>Sealed at</dt>
              <dd>
                <Time iso={head.sealedAt} />
              </dd>
            </div>
            <div>
              <dt>Waiting to be sealed</dt>
              <dd>
                {head.pending} (oldest {durationText(head.sealLagMs)})
              </dd>
            </div>
          </dl>
        </section>
      )}
      <section aria-labelledby="verify-title">
        <h2 id="verify-title">Verify</h2>
        <p class="hint">Recomputes every entry, block and the ledger tree on the server, range by range, and checks it still holds the head above.</p>
        <button type="button" onClick={() => void verify()} disabled={progress !== null}>
          Verify ledger
        </button>
        <div aria-live="polite">
          {progress && (
            <p>
              <label for="verify-progress">Verifying blocks</label> <progress id="verify-progress" max={Math.max(progress.total, 1)} value={progress.done} />{' '}
              {progress.done} of {progress.total} blocks, {progress.events} entries
            </p>
          )}
          {outcome?.ok && (
            <p class="status ok">
              <strong>Ledger verified</strong>: {outcome.events} entries in {outcome.blocks} blocks.
            </p>
          )}
          {outcome && !outcome.ok && (
            <p class="status bad">
              <strong>Ledger not verified</strong>: {failureText(outcome.failure)}
            </p>
          )}
        </div>
      </section>
    </section>
  );
}
