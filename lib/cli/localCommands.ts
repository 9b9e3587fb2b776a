import { type Command, InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import type { CroCustomer } from '../crm/schemas.ts';
import type { CroChange } from '../local/console/croChange.ts';
import { describeFaults, type FaultSettings, SIMULATOR_LABELS, SIMULATORS } from '../local/console/faults.ts';
import type { CroChangeResult, IcCustomerView } from '../local/console/localControl.ts';
import type { ReconcileSummary } from '../reconcile/types.ts';
import { LocalStackFileError } from '../local/errors.ts';
import { readStackFile } from '../local/localFiles.ts';
import type { CliIo } from './dlqCommands.ts';
import { CliUsageError } from './errors.ts';
import { renderBackfillSummary, renderTable } from './output.ts';

/**
 * A client of the running local stack's control API (the one the console uses), found through
 * `.local/stack.json` (or `$LOCAL_DIR/stack.json`).
 */
async function controlApi(io: CliIo) {
  const dir = (io.env ?? process.env).LOCAL_DIR || join(io.cwd, '.local');
  let consoleUrl: string | undefined;
  try {
    consoleUrl = (await readStackFile(dir)).consoleUrl;
  } catch (error) {
    if (error instanceof LocalStackFileError) throw new CliUsageError(error.message, { cause: error });
    throw error;
  }
  if (!consoleUrl) {
    throw new CliUsageError('this local stack has no console: restart `npm start` with this version');
  }
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${consoleUrl}api/${path}`, {
        method,
        ...(body !== undefined && {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      });
    } catch (cause) {
      throw new CliUsageError(`no local stack answers at ${consoleUrl}: is \`npm start\` still running?`, {
        cause,
      });
    }
    const answer = (await response.json()) as {
      error?: string;
      issues?: Array<{ path: string; message: string }>;
    };
    if (response.ok) return answer as T;
    const issues = (answer.issues ?? []).map((i) => `${i.path}: ${i.message}`).join('; ');
    const message = `${answer.error ?? `HTTP ${response.status}`}${issues ? ` (${issues})` : ''}`;
    if (response.status < 500) throw new CliUsageError(message);
    throw new Error(message);
  };
}

/**
 * Adds `crm-sync local ...`: the local console's controls for scripts — list and show the simulators'
 * customers, change a CRO customer (announced by a signed webhook, as CRO would), set faults, run the
 * reconciliation now, and the queues' state. Every command talks to the running `npm start` through its
 * control API.
 *
 * @example
 * registerLocalCommands(program, io);
 * // crm-sync local ic list
 * // crm-sync local cro set 1 --city Porto
 * // crm-sync local fault ic --server-errors 100%
 * // crm-sync local reconcile
 */
export function registerLocalCommands(program: Command, io: CliIo): void {
  const print = (text: string): void => {
    io.stdout.write(`${text}\n`);
  };
  const json = (value: unknown) => print(JSON.stringify(value, null, 2));
  const local = program
    .command('local')
    .description('see and steer the local stack of `npm start` (the console, from the command line)');

  local
    .command('status')
    .description('console URL, queue and DLQ depth, the simulators and their faults')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const api = await controlApi(io);
      const status = await api<Status>('GET', 'status');
      if (options.json) return json(status);
      const lines = [
        `queue  ${status.queue.visible} visible, ${status.queue.inFlight} in flight`,
        `DLQ    ${status.dlq.visible + status.dlq.inFlight} message(s)`,
      ];
      for (const name of SIMULATORS) {
        const faults = status.faults[name];
        lines.push(
          `${SIMULATOR_LABELS[name]}: ${faults ? `simulator, ${describeFaults(faults)}` : 'not simulated'}`,
        );
      }
      print(lines.join('\n'));
    });

  const ic = local.command('ic').description("the Invisible Collector simulator's customers");
  ic.command('list')
    .description('every customer with its attributes')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const customers = await (await controlApi(io))<IcCustomerView[]>('GET', 'ic/customers');
      if (options.json) return json(customers);
      if (customers.length === 0) return print('No customers in the Invisible Collector simulator yet.');
      print(
        renderTable(
          ['externalId', 'name', 'vatNumber', 'city', 'country', 'attributes'],
          customers.map((c) => [
            c.externalId ?? '-',
            c.name ?? '-',
            c.vatNumber ?? '-',
            c.city ?? '-',
            c.country ?? '-',
            Object.entries(c.attributes)
              .map(([k, v]) => `${k}=${v}`)
              .join(' '),
          ]),
        ),
      );
    });
  ic.command('show <id>')
    .description('one customer (gid or externalId, e.g. cro-42-1) as JSON')
    .action(async (id: string) => {
      json(await (await controlApi(io))('GET', `ic/customers/${encodeURIComponent(id)}`));
    });

  const cro = local.command('cro').description("the CRO simulator's customers");
  cro
    .command('list')
    .description('every customer')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const customers = await (await controlApi(io))<CroCustomer[]>('GET', 'cro/customers');
      if (options.json) return json(customers);
      print(
        renderTable(
          ['id', 'name', 'city', 'country', 'last_updated_on'],
          customers.map((c) => {
            const address = c.addresses.find((a) => a.is_active && a.is_billing) ?? c.addresses[0];
            return [
              String(c.id),
              c.name,
              address?.locality ?? '-',
              address?.country ?? '-',
              c.last_updated_on ?? '-',
            ];
          }),
        ),
      );
    });
  cro
    .command('show <id>')
    .description('one customer as CRO returns it (JSON)')
    .action(async (id: string) => {
      json(await (await controlApi(io))('GET', `cro/customers/${positiveInteger(id)}`));
    });
  cro
    .command('set <id>')
    .description(
      'change (or create) a customer: last_updated_on becomes now, then a signed webhook announces it as CRO would',
    )
    .option('--name <name>')
    .option('--email <email>', "the first contact's e-mail ('' clears)")
    .option('--phone <phone>', "the first contact's number")
    .option('--address <line>', "the billing address's first line")
    .option('--postcode <postcode>')
    .option('--city <city>')
    .option(
      '--country <code>',
      "ISO 3166-1 alpha-2; '' clears it (the sync then dead-letters missing-country)",
    )
    .option('--vat <vat-number>', "sent in the event's data.vatNumber (CRO stores no VAT number)")
    .option('--locale <locale>', "sent in the event's data.locale")
    .option('--no-webhook', 'store the change without announcing it (a lost webhook: fix, then replay)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, options: CroSetOptions) => {
      const { vat, webhook, json: asJson, ...fields } = options;
      const change: CroChange & { webhook: boolean } = { ...fields, webhook };
      if (vat !== undefined) change.vatNumber = vat;
      const result = await (
        await controlApi(io)
      )<CroChangeResult>('PATCH', `cro/customers/${positiveInteger(id)}`, change);
      if (asJson) return json(result);
      const announced = result.webhook
        ? `webhook ${result.webhook.status}, event ${result.eventId}`
        : 'no webhook sent';
      print(
        `CRO customer ${result.customer.id} saved (last_updated_on ${result.customer.last_updated_on}); ${announced}`,
      );
    });

  local
    .command('reconcile')
    .description(
      "run the reconciliation now, as its schedule does: list CRO's customers changed since the checkpoints and enqueue their events",
    )
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const summary = await (await controlApi(io))<ReconcileSummary>('POST', 'reconcile', {});
      if (options.json) return json(summary);
      print(renderBackfillSummary(summary.locations));
    });

  local
    .command('fault <simulator>')
    .description(`faults of a simulator (${SIMULATORS.join(' or ')}); the others stay as they are`)
    .option('--server-errors <rate>', 'share of requests answered 503: 0–1 or a percentage (50%)', rate)
    .option('--rate-limit <rate>', 'share of requests answered 429 (Retry-After: 1)', rate)
    .option('--latency <ms>', 'delay added to every answer', milliseconds)
    .option('--revoke-token', "refuse crm-sync's token (401) until --restore-token")
    .option('--restore-token', 'accept the token again')
    .option('--off', 'no faults at all')
    .option('--json', 'machine-readable output')
    .action(async (simulator: string, options: FaultOptions) => {
      if (!(SIMULATORS as readonly string[]).includes(simulator)) {
        throw new CliUsageError(`unknown simulator "${simulator}": ${SIMULATORS.join(' or ')}`);
      }
      if (options.revokeToken && options.restoreToken) {
        throw new CliUsageError('give either --revoke-token or --restore-token');
      }
      const change: Partial<FaultSettings> = options.off
        ? { serverErrorRate: 0, rateLimitRate: 0, latencyMs: 0, tokenRevoked: false }
        : {
            ...(options.serverErrors !== undefined && { serverErrorRate: options.serverErrors }),
            ...(options.rateLimit !== undefined && { rateLimitRate: options.rateLimit }),
            ...(options.latency !== undefined && { latencyMs: options.latency }),
            ...(options.revokeToken && { tokenRevoked: true }),
            ...(options.restoreToken && { tokenRevoked: false }),
          };
      const api = await controlApi(io);
      const faults = await api<FaultSettings>(
        Object.keys(change).length > 0 ? 'PATCH' : 'GET',
        `faults/${simulator}`,
        Object.keys(change).length > 0 ? change : undefined,
      );
      if (options.json) return json(faults);
      print(`${SIMULATOR_LABELS[simulator as keyof typeof SIMULATOR_LABELS]}: ${describeFaults(faults)}`);
    });
}

interface Status {
  queue: { visible: number; inFlight: number };
  dlq: { visible: number; inFlight: number };
  faults: Partial<Record<(typeof SIMULATORS)[number], FaultSettings>>;
}

interface CroSetOptions extends Omit<CroChange, 'vatNumber'> {
  vat?: string;
  webhook: boolean;
  json?: boolean;
}

interface FaultOptions {
  serverErrors?: number;
  rateLimit?: number;
  latency?: number;
  revokeToken?: boolean;
  restoreToken?: boolean;
  off?: boolean;
  json?: boolean;
}

/** `0.25` or `25%` → 0.25. */
function rate(value: string): number {
  const percent = value.trim().endsWith('%');
  const n = Number(percent ? value.trim().slice(0, -1) : value);
  const share = percent ? n / 100 : n;
  if (value.trim() === '' || !Number.isFinite(share) || share < 0 || share > 1) {
    throw new InvalidArgumentError('must be a share between 0 and 1, or a percentage such as 50%');
  }
  return share;
}

function milliseconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 60_000) throw new InvalidArgumentError('must be 0–60000 ms');
  return n;
}

function positiveInteger(value: string): number {
  if (!/^[1-9]\d{0,14}$/.test(value))
    throw new CliUsageError(`"${value}" is not a customer id (a positive integer)`);
  return Number(value);
}
