/**
 * The API key is held for this tab only (sessionStorage: gone when the tab closes, never
 * shared with other tabs, never in localStorage or a cookie). "Sign out" forgets it.
 */
const KEY = 'consent-console.api-key';

export interface Session {
  apiKey: string;
  name: string;
  scopes: string[];
}

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function forgetSession(): void {
  sessionStorage.removeItem(KEY);
}

export const canRead = (scopes: readonly string[]) => scopes.includes('audit:read') || scopes.includes('admin');
export const isAdmin = (scopes: readonly string[]) => scopes.includes('admin');
