/**
 * Redaction of secrets and personal data before anything is logged or written into an error/DLQ detail.
 *
 * Two layers: values under sensitive keys are replaced whole, at any depth; every other string has
 * e-mail addresses, international phone numbers, long digit runs, VAT-like identifiers, bearer tokens
 * and webhook secrets masked. Written by hand because the rules are domain-specific (Powertools Logger has
 * no redaction hook beyond a custom formatter, which `createLogger` plugs this into).
 *
 * @example
 * redact({ email: 'a@b.pt', customerId: 7 }); // → { email: '[redacted]', customerId: 7 }
 * redactText('token Bearer abc.def for a@b.pt'); // → 'token Bearer [redacted] for [email]'
 */
export const REDACTED = '[redacted]';

const SENSITIVE_KEY =
  /(token|authorization|secret|password|passwd|api[-_]?key|cookie|signature|e-?mail|phone|mobile|fax|vat|address|zip|postcode|postal|line_[1-4]|iban|tax)/i;

const TEXT_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/Bearer\s+[^\s,;"']+/gi, 'Bearer [redacted]'],
  [/whsec_[A-Za-z0-9+/=_-]+/g, 'whsec_[redacted]'],
  [/[^\s@<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z0-9-]{2,}/g, '[email]'],
  [/\+\d[\d\s().-]{6,}\d/g, '[phone]'],
  [/\b[A-Z]{2}[ -]?\d[0-9A-Z]{7,11}\b/g, '[vat]'],
];

// A phone or account number without a `+`. Not the last group of a UUID (it can be all digits), which
// would garble event and message ids.
const DIGIT_RUN: readonly [RegExp, string] = [
  /(?<![\dA-Fa-f]{8}-[\dA-Fa-f]{4}-[\dA-Fa-f]{4}-[\dA-Fa-f]{4}-)\b\d{9,}\b/g,
  '[number]',
];

// Keys whose values are identifiers (`eventId`, `messageId`, `source-message-id`, `id`): a long digit run
// there is an id, kept readable; the other rules still apply.
const IDENTIFIER_KEY = /(?:^id|[a-z0-9]Id|[-_]id|ID)$/;

/**
 * Masks personal data and secrets inside free text (error messages, vendor messages). `identifier` keeps
 * long digit runs (the value is an id).
 */
export function redactText(text: string, options: { identifier?: boolean } = {}): string {
  const rules = options.identifier ? TEXT_RULES : [...TEXT_RULES, DIGIT_RUN];
  return rules.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** True when a value stored under `key` must never be logged. */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** Deep copy of `value` with sensitive keys replaced and strings masked; cycles and depth are bounded. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (isSensitiveKey(key) && item !== undefined && item !== null) out[key] = REDACTED;
    else if (typeof item === 'string' && IDENTIFIER_KEY.test(key))
      out[key] = redactText(item, { identifier: true });
    else out[key] = redact(item, depth + 1, seen);
  }
  return out;
}
