import { SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

export const SCOPES = [
  'consents:write',
  'consents:read',
  'decisions:read',
  'campaigns:write',
  'campaigns:read',
  'audit:read',
  'inbound:write',
  'sends:write',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  /** `admin` for ADMIN_API_KEY, otherwise the API key id. */
  id: string;
  name: string;
  scopes: ReadonlySet<Scope>;
  /** What the ledger writes in `recorded_by`. */
  actor: string;
}

/** A request past the API key guard: the principal it authenticated (none on public routes). */
export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

export const SCOPES_KEY = 'required_scopes';
export const PUBLIC_KEY = 'public_route';

/** The caller needs at least one of these scopes (`admin` passes every check); none listed: any valid key. */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);
/** No API key needed (health checks). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export function hasScope(principal: Principal, required: readonly Scope[]): boolean {
  return required.length === 0 || principal.scopes.has('admin') || required.some((scope) => principal.scopes.has(scope));
}
