import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { EVENT_SCHEMA_PATH } from '../../../../lib/webhook/eventJsonSchema.ts';
import { renderSchemaFile } from '../../../../scripts/gen-schema.ts';

describe('docs/customer-event.schema.json', () => {
  it('is what scripts/gen-schema.ts generates from the zod schema today (run `npm run gen-schema`)', async () => {
    const committed = await readFile(EVENT_SCHEMA_PATH, 'utf8');

    expect(committed).toBe(await renderSchemaFile());
  });

  it('describes one event or an array of at most 10, with the contract fields required', async () => {
    const schema = JSON.parse(await readFile(EVENT_SCHEMA_PATH, 'utf8'));

    expect(schema.anyOf[1]).toMatchObject({ type: 'array', minItems: 1, maxItems: 10 });
    expect(schema.$defs.CustomerEvent.required).toEqual(
      expect.arrayContaining(['specversion', 'id', 'source', 'type', 'data']),
    );
    expect(schema.$defs.CustomerEvent.properties.data.required).toEqual(['tenantId', 'customerId']);
  });
});
