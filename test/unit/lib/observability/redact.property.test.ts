// Personal data as vendors echo it back in errors, generated: names, phones in national and spaced formats,
// IBANs, VAT/NIF variants and street addresses never survive `redactText` (what failure-detail and every
// log line go through), while ids, times and our own messages stay readable.
import { describe, expect, it } from '@jest/globals';
import { fc, test } from '@fast-check/jest';
import { redact, redactText } from '../../../../lib/observability/redact.ts';

const digitString = (length: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));
const digitsOf = (text: string) => text.replace(/\D/g, '');

/** A capitalised word as names and street names are written (Portuguese and Spanish letters included). */
const word = fc.stringMatching(/^[A-ZÁÉÍÓÚÂÊÔÃÕÇÑ][a-záéíóúâêôãõçñ]{2,10}$/);
const personName = fc.oneof(
  fc
    .tuple(word, fc.constantFrom('', 'da ', 'de ', 'dos ', 'del '), word, fc.option(word, { nil: undefined }))
    .map(([first, particle, last, more]) => [`${first} ${particle}${last}`, more].filter(Boolean).join(' ')),
  fc.constantFrom('João Silva', 'Maria da Conceição Antunes', 'José Álvarez Núñez', "Seán O'Brien"),
);

/** Words of `secret` that the message would not contain anyway: those must be gone after redaction. */
function leaks(message: string, secret: string, redacted: string): string[] {
  const frame = message.replace(secret, ' ');
  return secret
    .split(/[\s,.-]+/)
    .filter((w) => w.length >= 3 && !frame.includes(w))
    .filter((w) => redacted.includes(w));
}

describe('redactText on vendor messages that echo personal data', () => {
  test.prop([
    personName,
    fc.constantFrom(
      (n: string) => `name '${n}' is too long`,
      (n: string) => `Invalid value "${n}" for field name`,
      (n: string) => `{"name":"${n}","country":"PT"}`,
      (n: string) => `name: ${n}, country: PT`,
      (n: string) => `customer_name=${n}&country=PT`,
      (n: string) => `O nome «${n}» é demasiado longo`,
      (n: string) => `contact name ‘${n}’ rejected`,
    ),
  ])('masks a personal name where vendors put it', (name, template) => {
    const message = template(name);

    const out = redactText(message);

    expect(out).not.toContain(name);
    expect(leaks(message, name, out)).toEqual([]);
  });

  const ptPhone = fc.oneof(
    fc.tuple(
      fc.constantFrom('21', '22', '23', '24', '25', '26', '27', '28', '29'),
      digitString(3),
      digitString(4),
    ),
    fc
      .tuple(fc.constantFrom('91', '92', '93', '96'), digitString(1), digitString(3), digitString(3))
      .map(([a, b, c, d]) => [`${a}${b}`, c, d] as [string, string, string]),
  );
  test.prop([
    ptPhone,
    fc.constantFrom(' ', '-', '.'),
    fc.constantFrom('', '+351 ', '00351 ', '(+351) '),
    fc.constantFrom(
      (p: string) => `phone '${p}' is invalid`,
      (p: string) => `invalid phone number ${p}`,
      (p: string) => `mobile: ${p}`,
      (p: string) => `call ${p} now`,
      (p: string) => `{"phone":"${p}"}`,
    ),
  ])('masks national and spaced phone numbers', (groups, separator, prefix, template) => {
    const phone = `${prefix}${groups.join(separator)}`;

    const out = redactText(template(phone));

    expect(out).not.toContain(phone);
    expect(digitsOf(out)).not.toContain(groups.join(''));
  });

  const iban = fc.oneof(
    fc.tuple(fc.constant('PT'), digitString(2), digitString(21)),
    fc.tuple(fc.constant('ES'), digitString(2), digitString(20)),
    fc.tuple(fc.constant('DE'), digitString(2), digitString(18)),
    fc.tuple(fc.constant('FR'), digitString(2), digitString(23)),
    fc.tuple(
      fc.constant('GB'),
      digitString(2),
      digitString(14).map((d) => `NWBK${d}`),
    ),
  );
  test.prop([
    iban,
    fc.boolean(),
    fc.constantFrom(
      (i: string) => `iban ${i} rejected`,
      (i: string) => `IBAN: ${i}`,
      (i: string) => `transfer to ${i} failed`,
      (i: string) => `{"iban":"${i}"}`,
    ),
  ])('masks IBANs, grouped by four or compact', ([country, check, bban], spaced, template) => {
    const compact = `${country}${check}${bban}`;
    const text = spaced ? compact.replace(/(.{4})(?=.)/g, '$1 ') : compact;

    const out = redactText(template(text));

    expect(out).not.toContain(text);
    expect(digitsOf(out)).not.toContain(digitsOf(bban));
  });

  const nif = digitString(9);
  const vat = fc.oneof(
    nif.map((n) => `PT ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`),
    nif.map((n) => `PT${n}`),
    nif.map((n) => `PT-${n}`),
    nif,
    nif.map((n) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`),
    digitString(7).map((n) => `ESX${n}X`),
    digitString(8).map((n) => `ES-B${n}`),
    digitString(8).map((n) => `${n}Z`),
    digitString(7).map((n) => `X${n}L`),
    nif.map((n) => `DE${n}`),
    digitString(11).map((n) => `FR${n}`),
    nif.map((n) => `NL${n}B01`),
    digitString(8).map((n) => `ATU${n}`),
    nif.map((n) => `GB${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`),
  );
  test.prop([
    vat,
    fc.constantFrom(
      (v: string) => `vatNumber ${v} already exists`,
      (v: string) => `NIF ${v} inválido`,
      (v: string) => `A customer with VAT ${v} exists`,
      (v: string) => `{"vatNumber":"${v}"}`,
      (v: string) => `tax id: ${v}`,
    ),
  ])('masks VAT and NIF numbers in their national variants', (number, template) => {
    const out = redactText(template(number));

    expect(out).not.toContain(number);
    expect(digitsOf(out)).not.toContain(digitsOf(number));
  });

  const houseNumber = fc.integer({ min: 1, max: 2999 }).map(String);
  const postcode = fc.tuple(digitString(4), digitString(3)).map(([a, b]) => `${a}-${b}`);
  const street = fc.oneof(
    fc.tuple(word, houseNumber).map(([w, n]) => `Rua ${w} ${n}`),
    fc
      .tuple(word, word, houseNumber, postcode, word)
      .map(([w, v, n, p, t]) => `Rua ${w} ${v}, ${n}, ${p} ${t}`),
    fc.tuple(word, houseNumber).map(([w, n]) => `Av. da ${w}, ${n}`),
    fc.tuple(word, houseNumber).map(([w, n]) => `Avenida ${w} ${n} 2º Esq`),
    fc.tuple(word, houseNumber).map(([w, n]) => `Largo do ${w} ${n}`),
    fc.tuple(word, houseNumber).map(([w, n]) => `Travessa ${w}, ${n}`),
    fc.tuple(word, houseNumber).map(([w, n]) => `Calle ${w} ${n}, 28013 Madrid`),
    fc.tuple(word, houseNumber).map(([w, n]) => `${n} ${w} Street`),
    fc.tuple(word, houseNumber).map(([w, n]) => `${n} E ${w} St`),
  );
  test.prop([
    street,
    fc.constantFrom(
      (a: string) => `address '${a}' is invalid`,
      (a: string) => `invalid address: ${a}`,
      (a: string) => `Could not geocode ${a}.`,
      (a: string) => `{"address":"${a}"}`,
      (a: string) => `line_1 "${a}" too long`,
    ),
  ])('masks street addresses', (address, template) => {
    const message = template(address);

    const out = redactText(message);

    expect(out).not.toContain(address);
    expect(leaks(message, address, out)).toEqual([]);
  });
});

describe('redactText keeps what is not personal readable', () => {
  test.prop([fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })])(
    'timestamps',
    (date) => {
      const text = `failed at ${date.toISOString()} (${date.toISOString().replace('Z', '000')})`;
      expect(redactText(text)).toBe(text);
    },
  );

  test.prop([fc.uuid(), fc.constantFrom(400, 404, 409, 422, 429, 500, 503)])(
    'API error lines with ids and statuses',
    (id, status) => {
      const text = `Invisible Collector PUT /customers/:id → ${status} (code ${status}) for event ${id}`;
      expect(redactText(text)).toBe(text);
    },
  );

  it.each([
    'invalid request, not sent: email: Invalid email address; locale: Invalid option: expected one of "pt"|"es"',
    'secret "crm-sync/credentials": cannot be read (ResourceNotFoundException)',
    'invalid configuration: CRM_API_URL: is required; SYNC_CONCURRENCY: must be ≤ 100',
    'CRO GET /customers/:id → 404 (code customer_id): Not Found — The requested customer does not exist.',
    'dead-letter send failed (TimeoutError)',
    'country: must be an ISO 3166-1 alpha-2 code',
    'name: Too big: expected string to have <=64 characters',
  ])('our own messages: %s', (text) => {
    expect(redactText(text)).toBe(text);
  });

  it('masks personal keys in structured logs, and not the keys that only end in "name"', () => {
    expect(
      redact({
        customer: { name: 'João Silva', firstName: 'João', street: 'Rua Augusta', nif: '123456789' },
        errorName: 'TimeoutError',
        tableName: 'crm-sync-state',
        functionName: 'customer-sync',
      }),
    ).toEqual({
      customer: { name: '[redacted]', firstName: '[redacted]', street: '[redacted]', nif: '[redacted]' },
      errorName: 'TimeoutError',
      tableName: 'crm-sync-state',
      functionName: 'customer-sync',
    });
  });
});
