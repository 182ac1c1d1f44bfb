/**
 * What the ticket-triage function asks of its models, and how it reads the
 * answers: the prompts, the classification's shape, the model ids. Pure: the
 * handler sends these, the demo's local model answers them, the tests check both.
 */

/** The model identity of the function's telemetry (`ModelName`, `ModelVersion`). */
export const TRIAGE_MODEL = { name: 'ticket-triage', version: '2026-12-01' } as const;

/** Classifies the ticket (Converse): small, fast, cheap. */
export const CLASSIFIER_MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';
/** Writes the suggested answer (ConverseStream), through a cross-region inference profile. */
export const WRITER_MODEL_ID = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';

/**
 * EXAMPLE PRICES, per 1,000 tokens, for the estimated `InferenceCost`: made up
 * for this example, not AWS's. Put your own (your region's, your contract's):
 * observed-inference ships no prices.
 */
export const EXAMPLE_PRICES = {
  [CLASSIFIER_MODEL_ID]: { inputPer1kTokens: 0.00025, outputPer1kTokens: 0.00125 },
  [WRITER_MODEL_ID]: { inputPer1kTokens: 0.0008, outputPer1kTokens: 0.004 },
} as const;

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export const CATEGORIES = ['outage', 'billing', 'account', 'bug', 'how-to'] as const;
export type Priority = (typeof PRIORITIES)[number];
export type Category = (typeof CATEGORIES)[number];

/** A support ticket as the function receives it. */
export interface Ticket {
  readonly subject: string;
  readonly body: string;
}

/** The classifier's verdict. */
export interface Triage {
  readonly priority: Priority;
  readonly category: Category;
}

/** Longest ticket body the function sends to a model. */
export const MAX_BODY_CHARS = 8_000;

/**
 * A ticket from a request body, or the problem with it.
 *
 * @example
 * parseTicket('{"subject":"Refund","body":"Charged twice"}'); // { ok: true, ticket: … }
 */
export function parseTicket(
  text: string | undefined,
): { ok: true; ticket: Ticket } | { ok: false; field: string; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    return { ok: false, field: 'body', message: 'the body is not JSON' };
  }
  const t = value as Partial<Record<keyof Ticket, unknown>> | null;
  for (const field of ['subject', 'body'] as const) {
    const v = t?.[field];
    if (typeof v !== 'string' || v.trim() === '')
      return { ok: false, field, message: `${field} must be a non-empty string` };
  }
  const ticket = t as Ticket;
  if (ticket.body.length > MAX_BODY_CHARS)
    return { ok: false, field: 'body', message: `body is over ${MAX_BODY_CHARS} characters` };
  return { ok: true, ticket };
}

export const CLASSIFY_SYSTEM =
  'You triage customer support tickets. Answer with one JSON object and nothing else: ' +
  `{"priority": one of ${JSON.stringify(PRIORITIES)}, "category": one of ${JSON.stringify(CATEGORIES)}}.`;

export const ANSWER_SYSTEM =
  'You are a support agent. Write a short, friendly first answer to the ticket (at most 80 words) ' +
  'that acknowledges the problem and says what happens next.';

/** The user message of both calls. */
export function ticketText(ticket: Ticket, triage?: Triage): string {
  const head = triage ? `[${triage.priority} ${triage.category}] ` : '';
  return `${head}Subject: ${ticket.subject}\n\n${ticket.body}`;
}

/**
 * The classifier's JSON answer, checked; a model that answers something else
 * gets `normal`/`how-to` (and the caller counts an abstention).
 *
 * @example
 * parseTriage('{"priority":"urgent","category":"outage"}'); // { priority: 'urgent', category: 'outage' }
 */
export function parseTriage(text: string): Triage | undefined {
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  if (!json) return undefined;
  try {
    const v = JSON.parse(json) as { priority?: unknown; category?: unknown };
    const priority = PRIORITIES.find((p) => p === v.priority);
    const category = CATEGORIES.find((c) => c === v.category);
    return priority && category ? { priority, category } : undefined;
  } catch {
    return undefined;
  }
}
