import { describe, expect, it } from '@jest/globals';
import { fc, test } from '@fast-check/jest';
import { REDACTED, redact, redactText } from '../../../../lib/observability/redact.ts';

describe('redact', () => {
  it('replaces values under sensitive keys at any depth and keeps identifiers', () => {
    const input = {
      eventId: 'evt-1',
      customerId: 42,
      customer: {
        email: 'ana@example.pt',
        phone: '+351 912 345 678',
        vatNumber: 'PT543219876',
        city: 'Porto',
      },
      headers: { Authorization: 'Bearer abc.def', 'x-tenant-id': '42' },
      attributes: [{ crmToken: 't0k3n' }],
    };
    expect(redact(input)).toEqual({
      eventId: 'evt-1',
      customerId: 42,
      customer: { email: REDACTED, phone: REDACTED, vatNumber: REDACTED, city: 'Porto' },
      headers: { Authorization: REDACTED, 'x-tenant-id': '42' },
      attributes: [{ crmToken: REDACTED }],
    });
  });

  it('masks personal data and secrets inside free text', () => {
    const text =
      'customer ana.silva@example.pt (+351 912 345 678, VAT PT543219876) failed with Bearer eyJ.abc and whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const out = redactText(text);
    expect(out).not.toMatch(/ana\.silva|912 345|543219876|eyJ|MfKQ9r8/);
    expect(out).toContain('[email]');
    expect(out).toContain('Bearer [redacted]');
  });

  it('leaves timestamps, uuids and HTTP statuses readable', () => {
    const text =
      'PUT /customers/:id → 422 at 2026-11-22T10:00:00Z for event 4f1c7a52-0d7e-4c2e-9a55-0b7f3e4d2a10';
    expect(redactText(text)).toBe(text);
  });

  it('keeps long digit runs of identifiers, masks them elsewhere', () => {
    expect(
      redact({
        eventId: '123456789012',
        messageId: 'cro-987654321',
        'source-message-id': '555555555',
        note: 'call 912345678',
      }),
    ).toEqual({
      eventId: '123456789012',
      messageId: 'cro-987654321',
      'source-message-id': '555555555',
      note: 'call [number]',
    });
  });

  it('still masks e-mails and tokens under identifier keys', () => {
    expect(redact({ userId: 'ana@example.pt', requestId: 'Bearer abc' })).toEqual({
      userId: '[email]',
      requestId: 'Bearer [redacted]',
    });
  });

  test.prop([fc.uuid()])(
    'leaves any UUID readable in free text (an all-digit last group included)',
    (uuid) => {
      const text = `event ${uuid} failed`;
      expect(redactText(text)).toBe(text);
    },
  );

  it('leaves a UUID whose last group is all digits readable', () => {
    const text = 'message 4f1c7a52-0d7e-4c2e-9a55-123456789012 dead-lettered';
    expect(redactText(text)).toBe(text);
  });

  it('survives cycles', () => {
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic.self = cyclic;
    expect(redact(cyclic)).toEqual({ id: 1, self: '[…]' });
  });

  test.prop([fc.emailAddress()])('never lets an e-mail address through', (email) => {
    expect(redactText(`contact ${email} now`)).not.toContain(email);
  });
});
