import { useState } from 'preact/hooks';
import { ApiError, apiFor, messageOf, must } from '../api';
import { canRead, type Session } from '../session';

export function SignIn({ onSignIn }: { onSignIn: (s: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!key.trim()) return setError('Enter an API key.');
    setBusy(true);
    try {
      const me = await must(apiFor(key.trim()).GET('/v1/api-keys/current'));
      if (!canRead(me.scopes))
        return setError(`This key (${me.name}) lacks the audit:read scope the console needs. Ask an administrator for a key with audit:read.`);
      onSignIn({ apiKey: key.trim(), name: me.name, scopes: me.scopes });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'This API key is not valid: unknown, mistyped or revoked.' : messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <h1 tabIndex={-1}>Sign in</h1>
      <p>Sign in with an API key that has the audit:read scope. The key is kept in this tab only, and forgotten when you sign out or close it.</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellcheck={false}
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'sign-in-error' : undefined}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error && (
          <p id="sign-in-error" class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
