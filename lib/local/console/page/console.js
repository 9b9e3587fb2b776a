// The local console's script: plain DOM, no library. Reads the control API (`api/...`), follows the event
// log over server-sent events (`api/events`) and refreshes the tables when something happens. Data is always
// put into the page as text (textContent), never as HTML.

const REFRESH_MS = 2000;
const MAX_LOG_LINES = 300;

async function api(path, init) {
  const response = await fetch(`api/${path}`, init);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

function send(method, path, body) {
  return api(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** `el('td', { class: 'x' }, 'text', child)` */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ''));
  return node;
}

/** Replaces a table body, flashing the rows whose content (or `sig`) changed since the last render. */
function fillTable(table, rows, emptyText) {
  const body = table.tBodies[0];
  const before = new Map([...body.rows].map((row) => [row.dataset.key, row.dataset.sig]));
  body.replaceChildren();
  if (rows.length === 0) {
    const columns = table.tHead.rows[0].cells.length;
    body.append(el('tr', {}, el('td', { colspan: columns, class: 'empty' }, emptyText)));
    return;
  }
  for (const { key, cells, sig } of rows) {
    const row = el('tr', { 'data-key': key }, ...cells.map((cell) => el('td', {}, cell)));
    row.dataset.sig = sig ?? row.textContent;
    if (before.size > 0 && before.get(key) !== row.dataset.sig) row.classList.add('changed');
    body.append(row);
  }
}

function billing(customer) {
  return customer.addresses.find((a) => a.is_active && a.is_billing) ?? customer.addresses[0] ?? {};
}

function age(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

let croCustomers = [];

function renderCro(customers) {
  croCustomers = customers;
  fillTable(
    document.querySelector('#cro-table'),
    customers.map((c) => {
      const edit = el('button', { type: 'button', class: 'secondary', 'data-edit': c.id }, 'Edit');
      edit.addEventListener('click', () => editCustomer(c.id));
      return {
        key: String(c.id),
        cells: [
          c.id,
          c.name,
          billing(c).locality ?? '',
          billing(c).country ?? '',
          c.contacts[0]?.email ?? '',
          el('code', {}, c.last_updated_on ?? ''),
          edit,
        ],
      };
    }),
    'no customers',
  );
}

function renderIc(customers) {
  fillTable(
    document.querySelector('#ic-table'),
    customers.map((c) => ({
      key: c.gid,
      cells: [
        c.externalId ?? '',
        c.name ?? '',
        c.vatNumber ?? '',
        [c.city, c.country].filter(Boolean).join(', '),
        c.email ?? '',
        el(
          'div',
          { class: 'attributes' },
          ...Object.entries(c.attributes).map(([k, v]) => el('div', {}, `${k}=${v}`)),
        ),
      ],
    })),
    'no customers yet: edit a CRO customer, or run npm run send-example',
  );
}

function renderDlq(messages) {
  document.querySelector('#replay-all').disabled = messages.length === 0;
  fillTable(
    document.querySelector('#dlq-table'),
    messages.map((m) => {
      const replay = el('button', { type: 'button', class: 'secondary' }, 'Replay');
      replay.disabled = m.eventId === undefined;
      replay.addEventListener('click', () => replayDlq(m.eventId));
      return {
        key: m.messageId,
        sig: m.messageId, // the age changes on every refresh: not a change worth a flash
        cells: [
          el('code', {}, m.eventId ?? `(message ${m.messageId})`),
          m.customerId ?? '-',
          m.reason,
          m.detail ?? '-',
          age(m.ageMs),
          replay,
        ],
      };
    }),
    'empty',
  );
}

function renderStatus(status) {
  document.querySelector('#queue-depth').textContent = status.queue.visible;
  document.querySelector('#queue-in-flight').textContent = status.queue.inFlight;
  document.querySelector('#dlq-depth').textContent = status.dlq.visible + status.dlq.inFlight;
  for (const form of document.querySelectorAll('form.faults')) {
    const faults = status.faults[form.dataset.simulator];
    if (faults === undefined) continue;
    const on =
      faults.serverErrorRate > 0 || faults.rateLimitRate > 0 || faults.latencyMs > 0 || faults.tokenRevoked;
    form.classList.toggle('active', on);
  }
}

async function refresh() {
  const [status, cro, ic, dlq] = await Promise.allSettled([
    api('status'),
    api('cro/customers'),
    api('ic/customers'),
    api('dlq'),
  ]);
  if (status.status === 'fulfilled') renderStatus(status.value);
  if (cro.status === 'fulfilled') renderCro(cro.value);
  if (ic.status === 'fulfilled') renderIc(ic.value);
  else fillTable(document.querySelector('#ic-table'), [], ic.reason.message);
  if (dlq.status === 'fulfilled') renderDlq(dlq.value);
}

let pending;
function refreshSoon() {
  clearTimeout(pending);
  pending = setTimeout(() => void refresh(), 150);
}

function editCustomer(id) {
  const customer = croCustomers.find((c) => c.id === id);
  const form = document.querySelector('#cro-form');
  const address = billing(customer);
  const values = {
    id: customer.id,
    name: customer.name,
    email: customer.contacts[0]?.email ?? '',
    phone: customer.contacts[0]?.number ?? '',
    address: address.line_1 ?? '',
    postcode: address.postcode ?? '',
    city: address.locality ?? '',
    country: address.country ?? '',
    vatNumber: '',
    locale: '',
  };
  for (const [name, value] of Object.entries(values)) form.elements[name].value = value;
  document.querySelector('#cro-form-title').textContent = `${customer.id} — ${customer.name}`;
}

async function saveCustomer(event) {
  event.preventDefault();
  const form = event.target;
  const data = new FormData(form);
  const id = Number(data.get('id'));
  const change = { webhook: event.submitter?.value !== 'none' };
  for (const name of ['name', 'email', 'phone', 'address', 'postcode', 'city', 'country']) {
    change[name] = String(data.get(name) ?? '');
  }
  if (change.name === '') delete change.name;
  for (const name of ['vatNumber', 'locale']) {
    const value = String(data.get(name) ?? '').trim();
    if (value !== '') change[name] = value;
  }
  const result = document.querySelector('#cro-result');
  try {
    const answer = await send('PATCH', `cro/customers/${id}`, change);
    result.textContent = answer.webhook
      ? `saved; webhook ${answer.webhook.status}, event ${answer.eventId}`
      : 'saved; no webhook sent';
  } catch (error) {
    result.textContent = `not saved: ${error.message}`;
  }
  refreshSoon();
}

async function applyFaults(event) {
  event.preventDefault();
  const form = event.target;
  const percent = (name) => Math.min(100, Math.max(0, Number(form.elements[name].value) || 0)) / 100;
  await send('PATCH', `faults/${form.dataset.simulator}`, {
    serverErrorRate: percent('serverErrorRate'),
    rateLimitRate: percent('rateLimitRate'),
    latencyMs: Math.max(0, Math.round(Number(form.elements.latencyMs.value) || 0)),
    tokenRevoked: form.elements.tokenRevoked.checked,
  });
  refreshSoon();
}

async function reconcileNow() {
  const button = document.querySelector('#reconcile-now');
  const result = document.querySelector('#reconcile-result');
  button.disabled = true;
  result.textContent = 'reconciling…';
  try {
    const summary = await send('POST', 'reconcile', {});
    result.textContent = `listed ${summary.listed}, enqueued ${summary.enqueued}`;
  } catch (error) {
    result.textContent = `failed: ${error.message}`;
  } finally {
    button.disabled = false;
    refreshSoon();
  }
}

async function replayDlq(eventId) {
  await send('POST', 'dlq/replay', eventId === undefined ? {} : { eventId });
  refreshSoon();
}

function followLog() {
  const list = document.querySelector('#log-lines');
  const connection = document.querySelector('#connection');
  const source = new EventSource('api/events');
  source.addEventListener('open', () => (connection.textContent = 'live'));
  source.addEventListener('error', () => (connection.textContent = 'reconnecting…'));
  source.addEventListener('message', (message) => {
    const entry = JSON.parse(message.data);
    if (list.querySelector(`[data-seq="${entry.seq}"]`)) return; // replayed after a reconnect
    const time = el('time', { datetime: entry.at }, entry.at.slice(11, 19));
    list.append(el('li', { class: `kind-${entry.kind}`, 'data-seq': entry.seq }, time, entry.text));
    while (list.children.length > MAX_LOG_LINES) list.firstElementChild.remove();
    list.scrollTop = list.scrollHeight;
    refreshSoon();
  });
}

const SIMULATORS = [
  ['ic', 'Invisible Collector'],
  ['cro', 'CRO'],
];

/** One fault form per simulator the stack runs, from the page's template, filled with its faults. */
async function loadFaults() {
  const template = document.querySelector('#fault-form');
  for (const [simulator, title] of SIMULATORS) {
    let faults;
    try {
      faults = await api(`faults/${simulator}`);
    } catch {
      continue; // that API is not simulated here
    }
    const form = template.content.firstElementChild.cloneNode(true);
    form.dataset.simulator = simulator;
    form.querySelector('h3').textContent = title;
    form.elements.serverErrorRate.value = Math.round(faults.serverErrorRate * 100);
    form.elements.rateLimitRate.value = Math.round(faults.rateLimitRate * 100);
    form.elements.latencyMs.value = faults.latencyMs;
    form.elements.tokenRevoked.checked = faults.tokenRevoked;
    form.addEventListener('submit', (event) => void applyFaults(event));
    document.querySelector('.fault-forms').append(form);
  }
}

document.querySelector('#cro-form').addEventListener('submit', (event) => void saveCustomer(event));
document.querySelector('#replay-all').addEventListener('click', () => void replayDlq());
document.querySelector('#reconcile-now').addEventListener('click', () => void reconcileNow());
followLog();
void loadFaults();
void refresh();
setInterval(() => void refresh(), REFRESH_MS);
