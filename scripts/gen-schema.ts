// `npm run gen-schema`: writes docs/customer-event.schema.json from the zod event schema (lib/events),
// formatted as the repository's prettier settings would, so `prettier --check .` and the up-to-date test agree.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { customerEventJsonSchemaText, EVENT_SCHEMA_PATH } from '../lib/webhook/eventJsonSchema.ts';

/** The exact text `docs/customer-event.schema.json` must hold. */
export async function renderSchemaFile(): Promise<string> {
  const options = (await resolveConfig(EVENT_SCHEMA_PATH)) ?? {};
  return format(customerEventJsonSchemaText(), { ...options, filepath: EVENT_SCHEMA_PATH });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(EVENT_SCHEMA_PATH, await renderSchemaFile());
  console.log(`wrote ${EVENT_SCHEMA_PATH}`);
}
