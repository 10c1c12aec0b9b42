/**
 * The console speaks to the service only through the public API, with the typed client
 * generated from openapi.yaml (clients/typescript): what staff see is what any API user gets.
 */
import { createConsentClient, type ConsentClient, type Schemas } from '../../clients/typescript/src/client';

export type { Schemas };
export type Api = ConsentClient;

export function apiFor(apiKey: string): Api {
  return createConsentClient({ baseUrl: window.location.origin, apiKey, retry: { retries: 2, maxDelayMs: 5_000 } });
}

/** An answer that was not a success, in words for the person at the screen. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

function describe(error: unknown, response: Response): ApiError {
  const p = (typeof error === 'object' && error !== null ? error : {}) as { code?: string; detail?: string; title?: string; requestId?: string };
  const text = p.detail ?? p.title ?? `The service answered ${response.status}.`;
  return new ApiError(p.requestId ? `${text} (request ${p.requestId})` : text, response.status, p.code);
}

/** The data of a successful answer; an ApiError otherwise. */
export async function must<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (error) {
    throw new ApiError(`The service could not be reached: ${(error as Error).message}`, 0, undefined);
  }
  if (answer.error !== undefined || answer.data === undefined) throw describe(answer.error, answer.response);
  return answer.data;
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Saves a body as a file the browser downloads (no navigation, nothing from elsewhere). */
export function download(body: Blob, filename: string): void {
  const url = URL.createObjectURL(body);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The filename a Content-Disposition header names. */
export function filenameOf(response: Response, fallback: string): string {
  return /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallback;
}
