/** The vocabulary of the consent event store: the actions the ledger holds, and where they come from. */

/** Events that state where consent stands; the newest covering one decides (with the campaign's policy). */
export const CONSENT_STATE_ACTIONS = ['opt_in', 'opt_out', 'pending_confirmation', 'renewed', 'lapsed', 'expired', 'confirmation_expired'] as const;
/** Every action the ledger holds: consent actions, and facts recorded by the service itself. */
export const EVENT_ACTIONS = [
  ...CONSENT_STATE_ACTIONS,
  'service_window',
  'reconfirmation_requested',
  'preferences_changed',
  'message_sent',
  // An unclear reply: asked back and filed for review; marketing on the contact point waits (InboundService).
  'clarification_requested',
  // Staff decided what an unclear reply meant (evidence.reviewId, evidence.outcome).
  'clarification_resolved',
  // The hold passed with neither an answer nor a resolution (recorded by the lifecycle sweep).
  'clarification_expired',
] as const;
export const CONSENT_SOURCES = ['web_form', 'api', 'keyword', 'import', 'verbal', 'conversation', 'agent'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];
/**
 * Sources clients cannot claim: `system`, recorded by the service itself (sweeps); `one_click`
 * and `preference_centre`, what customers did on the service's own pages; `review`, staff's
 * reading of an unclear reply.
 */
export const EVENT_SOURCES = [...CONSENT_SOURCES, 'system', 'one_click', 'preference_centre', 'review'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];
