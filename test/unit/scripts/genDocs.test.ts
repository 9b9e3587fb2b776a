import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import * as z from '../../../lib/zod.ts';
import { CONTEXT_KEYS, CONTEXT_SCHEMA } from '../../../infra/stackPropsFromContext.ts';
import { CONFIGURATION_DOC_PATH, findEnvSchemas, renderConfigurationDoc } from '../../../scripts/gen-docs.ts';

const committed = await readFile(new URL(`../../../${CONFIGURATION_DOC_PATH}`, import.meta.url), 'utf8');
const envSchemas = await findEnvSchemas();

/** The cells of `name`'s table row in the section titled `title` (a row's first cell is the name in backticks). */
function cellsOf(title: string, name: string): string[] | undefined {
  const section = committed.split(/^## /m).find((text) => text.startsWith(`${title}\n`)) ?? '';
  const row = section.split('\n').find((line) => line.startsWith(`| \`${name}\` `));
  return row
    ?.split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());
}

const titleOf = (schema: z.ZodMiniType) => z.globalRegistry.get(schema)?.title ?? '';
const descriptionOf = (schema: unknown) => z.globalRegistry.get(schema as z.ZodMiniType)?.description;

describe('docs/configuration.md', () => {
  it('is what scripts/gen-docs.ts generates from the schemas today', async () => {
    const rendered = await renderConfigurationDoc();

    expect(
      committed === rendered ? 'up to date' : 'docs/configuration.md is stale: run npm run gen-docs',
    ).toBe('up to date');
  });

  it('finds the environment schema of every function under lib/', () => {
    expect(envSchemas.map(({ file, exportName }) => `${file}#${exportName}`)).toEqual(
      expect.arrayContaining([
        'lib/config/customerSync.ts#CustomerSyncEnvSchema',
        'lib/config/webhook.ts#WebhookEnvSchema',
        'lib/replay/replayLambda.ts#ReplayEnvSchema',
      ]),
    );
  });

  it.each(
    envSchemas.flatMap(({ exportName, schema }) =>
      Object.keys(schema.shape).map((name) => [exportName, name]),
    ),
  )('%s: documents %s with its description', (exportName, name) => {
    const { schema } = envSchemas.find((source) => source.exportName === exportName)!;
    const description = descriptionOf(schema.shape[name!]);

    expect(description).toEqual(expect.any(String));
    expect(cellsOf(titleOf(schema), name!)?.[3]).toBe(description!.replace(/\|/g, '\\|'));
  });

  it.each(CONTEXT_KEYS)('documents the context key %s with its description', (key) => {
    const description = descriptionOf(CONTEXT_SCHEMA.shape[key]);

    expect(description).toEqual(expect.any(String));
    expect(cellsOf('CDK context', key)?.[3]).toBe(description);
  });

  it('shows the defaults the code applies, and required variables as required', () => {
    expect(cellsOf('customer-sync', 'SYNC_CONCURRENCY')?.[1]).toBe('`10`');
    expect(cellsOf('customer-sync', 'CRM_API_URL')?.[1]).toBe('**required**');
    expect(cellsOf('replay', 'REPLAY_SAFETY_MARGIN_MS')?.[1]).toBe('`30000`');
    expect(cellsOf('CDK context', 'batchSize')?.[1]).toBe('`25` standard, `10` FIFO');
    expect(cellsOf('CDK context', 'alarmEmail')?.[1]).toBe('unset');
  });
});
