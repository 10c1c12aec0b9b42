import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiFor, type Api } from './api';
import { Export } from './screens/export';
import { Ledger } from './screens/ledger';
import { Overview } from './screens/overview';
import { Person } from './screens/person';
import { SignIn } from './screens/sign-in';
import { forgetSession, isAdmin, loadSession, saveSession, type Session } from './session';

const SCREENS = [
  { path: 'person', label: 'Person' },
  { path: 'ledger', label: 'Ledger' },
  { path: 'export', label: 'Export' },
  { path: 'overview', label: 'Overview' },
] as const;
type ScreenPath = (typeof SCREENS)[number]['path'];

/** Screens are addressed by the URL's fragment (#/ledger): the service serves one page. */
function screenOfHash(): ScreenPath {
  const path = window.location.hash.replace(/^#\/?/, '').split('?')[0];
  return SCREENS.find((s) => s.path === path)?.path ?? 'person';
}

export interface ScreenProps {
  api: Api;
  session: Session;
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [screen, setScreen] = useState<ScreenPath>(screenOfHash);
  const api = useMemo(() => (session ? apiFor(session.apiKey) : null), [session]);

  useEffect(() => {
    const onHash = () => setScreen(screenOfHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    const label = SCREENS.find((s) => s.path === screen)?.label;
    document.title = session ? `${label} · Consent console` : 'Sign in · Consent console';
    // A new screen is announced by moving focus to its heading (keyboard and screen reader users).
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [screen, session]);

  const signIn = (s: Session) => {
    saveSession(s);
    setSession(s);
  };
  const signOut = () => {
    forgetSession();
    setSession(null);
  };

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <p class="brand">Consent console</p>
        {session && (
          <>
            <nav aria-label="Sections">
              <ul>
                {SCREENS.map((s) => (
                  <li key={s.path}>
                    <a href={`#/${s.path}`} aria-current={s.path === screen ? 'page' : undefined}>
                      {s.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <p class="who">
              Signed in as <strong>{session.name}</strong>
              {isAdmin(session.scopes) ? ' (admin)' : ''}
            </p>
            <button type="button" class="secondary" onClick={signOut}>
              Sign out
            </button>
          </>
        )}
      </header>
      <main id="main">
        {!session || !api ? (
          <SignIn onSignIn={signIn} />
        ) : screen === 'ledger' ? (
          <Ledger api={api} session={session} />
        ) : screen === 'export' ? (
          <Export api={api} session={session} />
        ) : screen === 'overview' ? (
          <Overview api={api} session={session} />
        ) : (
          <Person api={api} session={session} />
        )}
      </main>
    </>
  );
}
