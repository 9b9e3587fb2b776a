/**
 * Redaction of secrets and personal data before anything is logged or written into an error/DLQ detail.
 *
 * Two layers: values under sensitive keys are replaced whole, at any depth; every other string is masked by
 * text rules. Vendors echo submitted values in their errors (`name 'João Silva' is too long`), so the text
 * rules are structural first — the value after a personal field's name, a quoted run of capitalised words —
 * and then by shape: e-mail addresses, phone numbers (international, national, spaced), IBANs, VAT/NIF
 * numbers and their variants, street addresses, postcodes, long digit runs, bearer tokens and webhook
 * secrets. Names cannot be recognised by shape alone; the structural rules catch them where vendors put them.
 * Written by hand because the rules are domain-specific (Powertools Logger has no redaction hook beyond a
 * custom formatter, which `createLogger` plugs this into).
 *
 * @example
 * redact({ email: 'a@b.pt', customerId: 7 }); // → { email: '[redacted]', customerId: 7 }
 * redactText("name 'João Silva' is too long"); // → "name '[redacted]' is too long"
 */
export const REDACTED = '[redacted]';

const SENSITIVE_KEY =
  /(token|authorization|secret|password|passwd|api[-_]?key|cookie|signature|e-?mail|phone|mobile|fax|vat|address|zip|postcode|postal|line_[1-4]|iban|tax)/i;

// Personal keys matched whole: `name` alone would also hit `serviceName`, `tableName`, `errorName`.
const PERSONAL_KEY =
  /^(?:name|nome|nombre|(?:first|last|full|given|family|middle|contact|customer|person|display)[-_]?name|street|nif|nipc|locality)$/i;

/** A letter-by-letter case-insensitive pattern for a word (no `i` flag: it would make `\p{Lu}` match lower case). */
const ci = (word: string) => word.replace(/\p{L}/gu, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
const anyOf = (words: readonly string[]) => `(?:${words.map(ci).join('|')})`;

const PERSONAL_FIELD = anyOf([
  'first_name',
  'firstName',
  'last_name',
  'lastName',
  'full_name',
  'fullName',
  'contact_name',
  'customer_name',
  'name',
  'nome',
  'nombre',
  'address',
  'morada',
  'dirección',
  'direccion',
  'street',
  'line_1',
  'line_2',
  'line_3',
  'line_4',
  'zipCode',
  'zip_code',
  'postcode',
  'postal_code',
  'email',
  'e-mail',
  'phone',
  'mobile',
  'telefone',
  'telemóvel',
  'teléfono',
  'fax',
  'vatNumber',
  'vat_number',
  'vat',
  'nif',
  'nipc',
  'tax_id',
  'iban',
]);
/** A word start that knows accented letters (`\\b` only knows ASCII ones). */
const START = String.raw`(?<![\p{L}\p{N}_])`;
const OPEN_QUOTE = `["'‘“«]`;
const QUOTED = String.raw`${OPEN_QUOTE}[^"'’”»\n]*["'’”»]`;
const NAME_WORD = String.raw`\p{Lu}[\p{L}'’.-]*`;
const PARTICLE = String.raw`(?:da|de|do|das|dos|del|della|di|du|e|y|van|von|der|den|la|le)`;
/** 2–6 capitalised words (particles between them allowed): how names and street names are written. */
const CAPITALISED = String.raw`${NAME_WORD}(?:[ \t]+(?:${PARTICLE}[ \t]+)?${NAME_WORD}){1,5}`;
const STREET_TYPE = anyOf([
  'rua',
  'r.',
  'avenida',
  'av.',
  'av',
  'avda.',
  'travessa',
  'largo',
  'praça',
  'praceta',
  'estrada',
  'calçada',
  'alameda',
  'beco',
  'rotunda',
  'calle',
  'plaza',
  'paseo',
  'carrer',
  'camino',
  'carretera',
  'street',
  'avenue',
  'road',
  'lane',
  'boulevard',
]).replaceAll('.', String.raw`\.`);
const STREET_TOKEN = String.raw`(?:${PARTICLE}|${NAME_WORD}|\d+(?:-\d+)?[\p{L}º°ª]?)`;

/** `[pattern, replacement]`; a replacement function may keep a match that is not what it looked like. */
type Rule = readonly [RegExp, string | ((match: string, ...groups: string[]) => string)];

const digits = (text: string) => text.replace(/\D/g, '').length;
/** Replaces the match only when it holds at least `min` digits (identifiers, not words). */
const ifDigits = (min: number, replacement: string) => (match: string) =>
  digits(match) >= min ? replacement : match;

const TEXT_RULES: readonly Rule[] = [
  [/Bearer\s+[^\s,;"']+/gi, 'Bearer [redacted]'],
  [/whsec_[A-Za-z0-9+/=_-]+/g, 'whsec_[redacted]'],
  [/[^\s@<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z0-9-]{2,}/g, '[email]'],
  // IBAN: country, check digits, then up to 30 characters in groups of four (PT50 0002 0123 1234 5678 9015 4).
  [/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g, ifDigits(10, '[iban]')],
  // Street addresses: a street type, then its name, numbers, floor and town (Rua Augusta 123, 1100-048 Lisboa).
  [new RegExp(String.raw`${START}${STREET_TYPE}(?:[ \t]*,?[ \t]+${STREET_TOKEN}){1,10}`, 'gu'), '[address]'],
  [
    new RegExp(
      String.raw`${START}\d{1,5}[ \t]+(?:${NAME_WORD}[ \t]+){1,4}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Lane|Ln|Dr|Drive|Way)\b`,
      'gu',
    ),
    '[address]',
  ],
  // The value after a personal field's name: `name 'João Silva'`, `"name":"João"`, `name=João Silva`,
  // `name: João Silva` (unquoted only when capitalised: `email: Invalid email address` is zod's own text).
  [
    new RegExp(
      String.raw`(${OPEN_QUOTE}?${START}${PERSONAL_FIELD}${OPEN_QUOTE}?(?:[ \t]*[:=][ \t]*|[ \t]+(?=${OPEN_QUOTE})))(${QUOTED}|(?<==[ \t]*)[^&,;\n]+|${CAPITALISED})`,
      'gu',
    ),
    (_match, field: string, value: string) =>
      /^["'‘“«]/u.test(value) ? `${field}${value[0]}${REDACTED}${value.at(-1)}` : `${field}${REDACTED}`,
  ],
  // A quoted run of capitalised words is a name or a street a vendor echoed (`Invalid value "João Silva"`).
  [new RegExp(String.raw`(${OPEN_QUOTE})${CAPITALISED}(["'’”»])`, 'gu'), `$1${REDACTED}$2`],
  [/\+\d[\d\s().-]{6,}\d/g, '[phone]'],
  // VAT/NIF with a country prefix, compact or spaced: PT543219876, PT 123 456 789, ESX1234567X, NL123456789B01.
  [/\b[A-Z]{2}[ -]?(?:[0-9A-Z][ -]?){6,13}[0-9A-Z]\b/g, ifDigits(7, '[vat]')],
  // Spanish DNI/NIE without a prefix: 12345678Z, X1234567L.
  [/\b[XYZ]?\d{7,8}[A-Z]\b/g, '[vat]'],
  // National and spaced numbers: 21 000 0000, 912 345 678, (21) 000-0000, 00351 912 345 678 (9+ digits).
  [
    /(?<![\w-])(?:\(\d{2,4}\)[ .-]?|\d{2,5}[ .-])(?:\d{2,5}[ .-]){0,4}\d{2,5}(?![\w-])/g,
    ifDigits(9, '[number]'),
  ],
  // Portuguese postcode.
  [/\b\d{4}-\d{3}\b/g, '[postcode]'],
];

// A phone or account number without a `+`. Not the last group of a UUID (it can be all digits), which
// would garble event and message ids.
const DIGIT_RUN: Rule = [
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
  return rules.reduce(
    (out, [pattern, replacement]) => out.replace(pattern, replacement as (match: string) => string),
    text,
  );
}

/** True when a value stored under `key` must never be logged. */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key) || PERSONAL_KEY.test(key);
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
