import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from '../../zod.ts';
import { toIssues } from '../../zodIssues.ts';
import { CroChangeSchema } from './croChange.ts';
import type { EventLog, LogEntry } from './eventLog.ts';
import { FaultSettingsSchema, SIMULATORS, type SimulatorName } from './faults.ts';
import { type LocalControl, NotRunningError, ReconcileFailedError } from './localControl.ts';

/** Where the console is served on the webhook's port. */
export const CONSOLE_PATH = '/_console';

const PAGE_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};

/** `PATCH /cro/customers/:id`: the change, and `webhook: false` to store it without announcing it. */
const CroChangeRequestSchema = z.extend(CroChangeSchema, { webhook: z.optional(z.boolean()) });

/** A control API answer. */
interface Answer {
  status: number;
  body: unknown;
}

/** A control route: method, path pattern under `/_console/api`, and what it does. */
interface ControlRoute {
  method: 'GET' | 'POST' | 'PATCH';
  path: RegExp;
  handle(params: string[], body: unknown): Answer | Promise<Answer>;
}

/** A control request with bad input: answered 400 with the issues. */
class BadRequest extends Error {
  readonly issues: Array<{ path: string; message: string }>;

  constructor(issues: Array<{ path: string; message: string }>) {
    super('invalid request');
    this.name = 'BadRequest';
    this.issues = issues;
  }
}

/**
 * The console's HTTP side, mounted on the webhook's server under `/_console` (`startHttpLambda`'s
 * `intercept`): the page (plain HTML, CSS and a script), the JSON control API the page and `crm-sync local`
 * use, and the event log as server-sent events (`/_console/api/events`: the kept lines first, then live).
 * A change needs `content-type: application/json`, so a page from another origin cannot make one without a
 * CORS preflight, which this server never grants. Returns true for the requests it serves.
 *
 * @example
 * const intercept = consoleHandler(control, log);
 * await startHttpLambda({ handler, intercept });
 */
export function consoleHandler(
  control: LocalControl,
  log: EventLog,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const routes = controlRoutes(control);
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://console');
    if (url.pathname !== CONSOLE_PATH && !url.pathname.startsWith(`${CONSOLE_PATH}/`)) return false;
    const path = url.pathname.slice(CONSOLE_PATH.length);
    if (path === '') {
      res.writeHead(308, { location: `${CONSOLE_PATH}/` }).end();
    } else if (path === '/api/events' && req.method === 'GET') {
      streamEvents(log, res);
    } else if (path.startsWith('/api/')) {
      void answer(routes, req, path.slice('/api'.length)).then((result) => sendJson(res, result));
    } else {
      void servePage(path, res);
    }
    return true;
  };
}

function controlRoutes(control: LocalControl): ControlRoute[] {
  const simulatorName = (raw: string): SimulatorName => {
    if ((SIMULATORS as readonly string[]).includes(raw)) return raw as SimulatorName;
    throw new BadRequest([{ path: 'simulator', message: `one of ${SIMULATORS.join(', ')}` }]);
  };
  const found = (value: unknown, what: string): Answer =>
    value === undefined ? { status: 404, body: { error: `no ${what}` } } : { status: 200, body: value };
  return [
    { method: 'GET', path: /^\/status$/, handle: async () => ok(await control.status()) },
    { method: 'GET', path: /^\/ic\/customers$/, handle: () => ok(control.icCustomers()) },
    {
      method: 'GET',
      path: /^\/ic\/customers\/([^/]+)$/,
      handle: ([id]) => found(control.icCustomer(id!), `Invisible Collector customer ${id}`),
    },
    { method: 'GET', path: /^\/cro\/customers$/, handle: () => ok(control.croCustomers()) },
    {
      method: 'GET',
      path: /^\/cro\/customers\/(\d+)$/,
      handle: ([id]) => found(control.croCustomer(Number(id)), `CRO customer ${id}`),
    },
    {
      method: 'PATCH',
      path: /^\/cro\/customers\/(\d+)$/,
      handle: async ([id], body) => {
        const { webhook, ...change } = parse(CroChangeRequestSchema, body);
        return ok(await control.changeCroCustomer(Number(id), change, { webhook }));
      },
    },
    {
      method: 'GET',
      path: /^\/faults\/(\w+)$/,
      handle: ([name]) => ok(control.faults(simulatorName(name!))),
    },
    {
      method: 'PATCH',
      path: /^\/faults\/(\w+)$/,
      handle: ([name], body) =>
        ok(control.setFaults(simulatorName(name!), parse(z.partial(FaultSettingsSchema), body))),
    },
    { method: 'GET', path: /^\/dlq$/, handle: () => ok(control.dlqMessages()) },
    { method: 'POST', path: /^\/reconcile$/, handle: async () => ok(await control.reconcile()) },
    {
      method: 'POST',
      path: /^\/dlq\/replay$/,
      handle: async (_, body) =>
        ok(await control.replay(parse(z.strictObject({ eventId: z.optional(z.string()) }), body ?? {}))),
    },
  ];
}

async function answer(routes: ControlRoute[], req: IncomingMessage, path: string): Promise<Answer> {
  try {
    const matches = routes.filter((route) => route.path.test(path));
    const route = matches.find((r) => r.method === req.method);
    if (route === undefined) {
      return matches.length > 0
        ? { status: 405, body: { error: `use ${matches.map((r) => r.method).join(' or ')}` } }
        : { status: 404, body: { error: `no control endpoint ${path}` } };
    }
    let body: unknown;
    if (req.method !== 'GET') {
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        return { status: 415, body: { error: 'send JSON with content-type: application/json' } };
      }
      body = await readJson(req);
    }
    return await route.handle(route.path.exec(path)!.slice(1), body);
  } catch (error) {
    if (error instanceof BadRequest)
      return { status: 400, body: { error: error.message, issues: error.issues } };
    if (error instanceof NotRunningError) return { status: 404, body: { error: error.message } };
    // The function the control invoked failed, not the console: as API Gateway answers a failed Lambda.
    if (error instanceof ReconcileFailedError) return { status: 502, body: { error: error.message } };
    return {
      status: 500,
      body: { error: error instanceof Error ? `${error.name}: ${error.message}` : 'error' },
    };
  }
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

function parse<T extends z.ZodMiniType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new BadRequest(toIssues(result.error.issues));
  return result.data;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequest([{ path: '(root)', message: 'not valid JSON' }]);
  }
}

function sendJson(res: ServerResponse, { status, body }: Answer): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function streamEvents(log: EventLog, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  const send = (entry: LogEntry) => res.write(`id: ${entry.seq}\ndata: ${JSON.stringify(entry)}\n\n`);
  for (const entry of log.recent()) send(entry);
  const unsubscribe = log.subscribe(send);
  // A comment line now and then keeps proxies and idle timeouts from closing a quiet stream.
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000).unref();
  res.once('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}

async function servePage(path: string, res: ServerResponse): Promise<void> {
  const page = PAGE_FILES[path];
  if (page === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const content = await readFile(new URL(`./page/${page.file}`, import.meta.url));
  res.writeHead(200, { 'content-type': page.type, 'cache-control': 'no-store' }).end(content);
}
