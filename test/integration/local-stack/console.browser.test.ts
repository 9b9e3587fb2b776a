// The local console in a real headless browser (Debian's chromium, driven by playwright-core): a user edits
// a CRO customer and sees it arrive in Invisible Collector, turns Invisible Collector to 503 and watches the
// sync retry, fixes a dead-lettered customer and replays it from the DLQ, then saves a change without a
// webhook and brings it over with "Reconcile now". Every wait is on something
// the page shows (a row, a log line), never a fixed delay.
//
// Screenshots: always taken; kept in docs/images/ when UPDATE_SCREENSHOTS=1 (`npm run screenshots`),
// otherwise in a temporary folder, so an ordinary run never rewrites tracked files.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type LocalStack, startLocalStack } from '../../../lib/local/startLocalStack.ts';
import { buildBundles } from './buildBundles.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LOCAL_DIR = resolve('.local/test-console-browser');
const KEEP_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';

describe('local console in a headless browser', () => {
  let stack: LocalStack;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;
  let shots: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    }
    const distDir = await buildBundles('test-console-browser');
    stack = await startLocalStack({
      port: 0,
      localDir: LOCAL_DIR,
      distDir,
      syncEnv: { RETRY_BASE_SECONDS: '1' },
    });
    profile = await mkdtemp(join(tmpdir(), 'crm-sync-chromium-'));
    shots = KEEP_SCREENSHOTS ? resolve('docs/images') : await mkdtemp(join(tmpdir(), 'crm-sync-shots-'));
    await mkdir(shots, { recursive: true });
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(20_000);
    await page.goto(stack.consoleUrl);
    await page.locator('#connection', { hasText: 'live' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await rm(LOCAL_DIR, { recursive: true, force: true });
    if (profile) await rm(profile, { recursive: true, force: true });
    if (shots && !KEEP_SCREENSHOTS) await rm(shots, { recursive: true, force: true });
  });

  const row = (table: string, ...texts: string[]) =>
    texts.reduce((rows, text) => rows.filter({ hasText: text }), page.locator(`${table} tbody tr`));
  const logLine = (pattern: RegExp) => page.locator('#log-lines li', { hasText: pattern }).last();

  async function editCustomer(id: number, fields: Record<string, string>, button = 'Save and send webhook') {
    await page.locator(`#cro-table button[data-edit="${id}"]`).click();
    await page.locator('#cro-form-title', { hasText: new RegExp(`^${id} — `) }).waitFor();
    for (const [name, value] of Object.entries(fields))
      await page.fill(`#cro-form input[name="${name}"]`, value);
    await page.getByRole('button', { name: button }).click();
  }

  async function setFaults(simulator: 'ic' | 'cro', fields: Record<string, string>) {
    const form = page.locator(`form.faults[data-simulator="${simulator}"]`);
    for (const [name, value] of Object.entries(fields))
      await form.locator(`input[name="${name}"]`).fill(value);
    await form.getByRole('button', { name: 'Apply' }).click();
  }

  it('edits a CRO customer and shows the change in the Invisible Collector list', async () => {
    await row('#cro-table', 'Local Customer 1').waitFor();

    await editCustomer(1, { name: 'Acme Lda', city: 'Porto', vatNumber: 'PT501234560' });

    await row('#ic-table', 'cro-42-1', 'Acme Lda', 'Porto', 'PT501234560').waitFor();
    await logLine(/applied\s+customer 1/).waitFor();
    // The document and the attributes are written in parallel: the list may show one before its next refresh
    // shows the other.
    await row('#ic-table', 'cro-42-1', 'Acme Lda', 'cro_customer_id=1').waitFor();
    expect(await row('#ic-table', 'cro-42-1').textContent()).toContain('cro_customer_id=1');
    expect(await page.locator('#cro-result').textContent()).toMatch(/^saved; webhook 202, event \S+$/);
  }, 60_000);

  it('turns Invisible Collector to 503 and shows the sync retrying, then applying once it is back', async () => {
    await setFaults('ic', { serverErrorRate: '100' });
    await logLine(/Invisible Collector faults: 503 100%/).waitFor();

    await editCustomer(2, { city: 'Braga' });
    await logLine(/retrying\s+customer 2 .*ic-unavailable/).waitFor();
    await page.screenshot({ path: join(shots, 'console-retry.png') });
    await setFaults('ic', { serverErrorRate: '0' });

    await logLine(/applied\s+customer 2/).waitFor();
    await row('#ic-table', 'cro-42-2', 'Braga').waitFor();
  }, 60_000);

  it('shows a dead-lettered event with its reason and detail, and replays it once the data is fixed', async () => {
    await editCustomer(3, { country: '' });
    const dead = row('#dlq-table', 'missing-country');
    await dead.waitFor();
    expect(await dead.textContent()).toMatch(/^\S+3missing-countrycannot map customer: country/);
    expect(await page.locator('#dlq-depth').textContent()).toBe('1');
    await page.screenshot({ path: join(shots, 'console.png'), fullPage: true });

    await editCustomer(3, { country: 'ES' }, 'Save without webhook');
    await logLine(/CRO customer 3 changed, no webhook sent/).waitFor();
    await dead.getByRole('button', { name: 'Replay' }).click();

    await logLine(/replayed 1 from the DLQ \(event \S+\)/).waitFor();
    await row('#ic-table', 'cro-42-3', 'ES').waitFor();
    await row('#dlq-table', 'empty').waitFor();
    expect(await page.locator('#dlq-depth').textContent()).toBe('0');
  }, 60_000);

  it('brings a change whose webhook was lost over with "Reconcile now"', async () => {
    await editCustomer(2, { city: 'Coimbra' }, 'Save without webhook');
    await logLine(/CRO customer 2 changed, no webhook sent/).waitFor();

    await page.getByRole('button', { name: 'Reconcile now' }).click();

    await page.locator('#reconcile-result', { hasText: /^listed [1-9]\d*, enqueued [1-9]\d*$/ }).waitFor();
    await logLine(/reconciled 2 location\(s\): listed/).waitFor();
    await row('#ic-table', 'cro-42-2', 'Coimbra').waitFor();
    expect(await page.getByRole('button', { name: 'Reconcile now' }).isEnabled()).toBe(true);
  }, 60_000);
});
