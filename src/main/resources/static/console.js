// The console: plain JavaScript over the admin, query and delivery APIs. Everything shown from
// the server is put in the page as text (never as HTML), since event names come from outside.
'use strict';

const TOKEN_KEY = 'fme-admin-token';
const REGIONS = [
  ['https://api.segment.io', 'US (api.segment.io)'],
  ['https://events.eu1.segmentapis.com', 'EU (events.eu1.segmentapis.com)'],
];
let timer = null;

// ---- small helpers

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function show(...nodes) {
  document.getElementById('main').replaceChildren(...nodes.filter(n => n));
}

function time(iso) {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '';
}

function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.hide);
  toast.hide = setTimeout(() => { t.hidden = true; }, 2500);
}

function fmt(n) {
  if (n === null || n === undefined) return '–';
  return typeof n === 'number' ? n.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(n);
}

async function api(method, path, body) {
  const headers = { Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    route();
    throw new Error('the admin token was refused');
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
  if (!res.ok) throw new Error((data && data.error) || ('HTTP ' + res.status));
  return data;
}

function table(columns, rows, rowClass) {
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { class: c.num ? 'num' : null }, c.title)))),
    h('tbody', {}, rows.length === 0
      ? h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, 'Nothing yet.'))
      : rows.map(r => h('tr', { class: rowClass || null }, columns.map(c => h('td', { class: c.num ? 'num' : null }, c.value(r)))))));
}

function copyButton(input) {
  return h('button', {
    type: 'button', onclick: async () => {
      input.select();
      try { await navigator.clipboard.writeText(input.value); } catch (e) { document.execCommand('copy'); }
      toast('Copied');
    },
  }, 'Copy');
}

function errorLine() {
  return h('p', { class: 'error', role: 'alert' });
}

function fail(line, e) {
  line.textContent = e.message;
}

function live(fn) {
  clearInterval(timer);
  fn();
  timer = setInterval(fn, 2000);
}

// ---- sign in

function login() {
  document.getElementById('nav').hidden = true;
  document.getElementById('sign-out').hidden = true;
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', placeholder: 'fme.admin-token' });
  const error = errorLine();
  show(h('div', { class: 'card login' },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'Enter the admin token (fme.admin-token): printed in the log at first start and saved in the data directory as admin-token.'),
    h('form', {
      onsubmit: async ev => {
        ev.preventDefault();
        const token = input.value.trim();
        const res = await fetch('/api/admin/environments', { headers: { Authorization: 'Bearer ' + token } });
        if (!res.ok) {
          error.textContent = res.status === 401 ? 'This token is not the admin token.' : 'The service answered ' + res.status + '.';
          return;
        }
        sessionStorage.setItem(TOKEN_KEY, token);
        location.hash = '#destinations';
        route();
      },
    }, h('label', {}, 'Admin token', input), h('div', { class: 'actions' }, h('button', { id: 'enter', class: 'primary' }, 'Enter'))),
    error));
  input.focus();
}

// ---- environments

async function environments() {
  const list = await api('GET', '/api/admin/environments');
  const error = errorLine();
  const form = h('form', { class: 'grid', id: 'environment-form' },
    h('label', {}, 'Id', h('input', { name: 'id', required: true, placeholder: 'prod' })),
    h('label', {}, 'Name', h('input', { name: 'name', placeholder: 'Production' })),
    h('label', {}, 'Traffic types (comma separated)', h('input', { name: 'trafficTypes', required: true, placeholder: 'user, account, anonymous' })),
    h('label', {}, 'Default traffic type of impressions', h('input', { name: 'defaultTrafficType', placeholder: 'user' })),
    h('label', {}, 'SDK keys (comma separated, stored hashed)', h('input', { name: 'sdkKeys', type: 'password', autocomplete: 'off' })));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const f = new FormData(form);
    const body = { id: f.get('id'), name: f.get('name') || null, trafficTypes: split(f.get('trafficTypes')) };
    if (f.get('defaultTrafficType')) body.defaultTrafficType = f.get('defaultTrafficType');
    if (f.get('sdkKeys')) body.sdkKeys = split(f.get('sdkKeys'));
    try {
      await api('POST', '/api/admin/environments', body);
      toast('Environment saved');
      environments();
    } catch (e) { fail(error, e); }
  });
  show(h('h1', {}, 'Environments'),
    h('div', { class: 'card' }, table([
      { title: 'Environment', value: e => h('a', { href: '#environment/' + encodeURIComponent(e.id) }, e.id) },
      { title: 'Name', value: e => e.name },
      { title: 'Traffic types', value: e => e.trafficTypes.map(t => h('span', { class: 'pill' }, t)) },
      { title: 'Impressions default', value: e => e.defaultTrafficType },
      { title: 'Flags with a traffic type', value: e => Object.entries(e.flagTrafficTypes || {}).map(([f, t]) => h('span', { class: 'pill' }, f + ' → ' + t)) },
      { title: 'SDK keys', num: true, value: e => e.sdkKeyCount },
      { title: '', value: e => h('button', { class: 'danger', onclick: () => remove('environments', e.id, environments) }, 'Delete') },
    ], list)),
    h('div', { class: 'card' }, h('h2', {}, 'New environment'), form,
      h('div', { class: 'actions' }, h('button', { class: 'primary', onclick: () => form.requestSubmit() }, 'Save environment')), error));
}

async function environment(id) {
  const env = await api('GET', '/api/admin/environments/' + encodeURIComponent(id));
  const typesCard = h('div', { class: 'card' });
  const chartCard = h('div', { class: 'card' });
  const eventsCard = h('div', { class: 'card' });
  show(h('h1', {}, 'Environment ' + env.id, h('span', { class: 'muted' }, ' — ' + env.name)),
    h('p', {}, env.trafficTypes.map(t => h('span', { class: 'pill' }, t))),
    h('div', { class: 'row' }, typesCard, chartCard), eventsCard);
  live(async () => {
    const [types, events] = await Promise.all([
      api('GET', '/api/environments/' + encodeURIComponent(id) + '/event-types'),
      api('GET', '/api/environments/' + encodeURIComponent(id) + '/events?limit=20'),
    ]);
    typesCard.replaceChildren(h('h2', {}, 'Event types'), table([
      { title: 'Event type', value: t => h('code', {}, t.eventTypeId) },
      { title: 'Traffic type', value: t => t.trafficType },
      { title: 'Count', num: true, value: t => fmt(t.count) },
      { title: 'Sum', num: true, value: t => fmt(t.sum) },
      { title: 'Average', num: true, value: t => fmt(t.avg) },
    ], types, 'event-type-row'));
    chartCard.replaceChildren(h('h2', {}, 'Events per type'), chart(types));
    eventsCard.replaceChildren(h('h2', {}, 'Latest events'), eventTable(events));
  });
}

function chart(types) {
  const NS = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => {
    const n = document.createElementNS(NS, tag);
    Object.entries(attrs).forEach(([k, v]) => n.setAttribute(k, v));
    if (text !== undefined) n.textContent = text;
    return n;
  };
  const rows = types.slice(0, 12);
  const width = 460, barH = 18, gap = 8, left = 150;
  const svg = el('svg', { class: 'chart', width: '100%', viewBox: `0 0 ${width} ${Math.max(1, rows.length) * (barH + gap) + 10}` });
  const max = Math.max(1, ...rows.map(t => t.count));
  rows.forEach((t, i) => {
    const y = 5 + i * (barH + gap);
    const w = Math.max(2, (width - left - 90) * t.count / max);
    const name = t.eventTypeId.length > 22 ? t.eventTypeId.slice(0, 21) + '…' : t.eventTypeId;
    svg.append(el('text', { x: 0, y: y + 13 }, name));
    svg.append(el('rect', { class: 'bar', x: left, y, width: w, height: barH, rx: 3 }));
    svg.append(el('text', { x: left + w + 6, y: y + 13 }, fmt(t.count) + (t.avg === null ? '' : ' · avg ' + fmt(t.avg))));
  });
  if (rows.length === 0) svg.append(el('text', { x: 0, y: 18 }, 'No events yet.'));
  return svg;
}

function eventTable(events) {
  return table([
    { title: 'Time (UTC)', value: e => h('span', { class: 'nowrap' }, time(e.timestamp)) },
    { title: 'Event type', value: e => h('code', {}, e.eventTypeId) },
    { title: 'Traffic type', value: e => e.trafficType },
    { title: 'Key', value: e => e.key },
    { title: 'Value', num: true, value: e => fmt(e.value) },
    { title: 'messageId', value: e => h('code', {}, e.messageId || '') },
  ], events, 'event-row');
}

// ---- destinations

function destinationForm(envs, d) {
  d = d || { identity: 'userId', identify: true, track: true, eventTypeIdField: 'event', namedPages: true, namedScreens: true,
    pageEventTemplate: 'view_{name}_page', screenEventTemplate: 'view_{name}_screen' };
  const envSelect = h('select', { name: 'environment', required: true }, envs.map(e => h('option', { value: e.id, selected: e.id === d.environment }, e.id + ' — ' + e.name)));
  const tt = h('select', { name: 'trafficType' });
  const anon = h('select', { name: 'anonymousTrafficType' });
  const group = h('select', { name: 'groupTrafficType' });
  const fillTypes = () => {
    const env = envs.find(e => e.id === envSelect.value) || { trafficTypes: [] };
    tt.replaceChildren(...env.trafficTypes.map(t => h('option', { value: t, selected: t === d.trafficType }, t)));
    anon.replaceChildren(h('option', { value: '' }, '(none)'), ...env.trafficTypes.map(t => h('option', { value: t, selected: t === d.anonymousTrafficType }, t)));
    group.replaceChildren(h('option', { value: '' }, '(none)'), ...env.trafficTypes.map(t => h('option', { value: t, selected: t === d.groupTrafficType }, t)));
  };
  envSelect.addEventListener('change', fillTypes);
  fillTypes();
  const check = (name, text) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name, checked: !!d[name] }), text);
  return h('form', { class: 'grid', id: 'destination-form' },
    h('label', {}, 'Id', h('input', { name: 'id', required: true, value: d.id || '', readonly: !!d.id, placeholder: 'prod-web' })),
    h('label', {}, 'Select environment', envSelect),
    h('label', {}, 'Traffic type', tt),
    h('label', {}, 'Map identities', h('select', { name: 'identity' },
      h('option', { value: 'userId', selected: d.identity === 'userId' }, "Segment's User ID"),
      h('option', { value: 'anonymousId', selected: d.identity === 'anonymousId' }, "Segment's Anonymous ID"))),
    h('label', {}, 'Anonymous traffic type (no userId)', anon),
    h('label', {}, 'Group traffic type (group calls)', group),
    h('label', {}, 'eventTypeId field', h('input', { name: 'eventTypeIdField', value: d.eventTypeIdField || '', placeholder: 'event' })),
    h('label', {}, 'Value field (optional)', h('input', { name: 'valueField', value: d.valueField || '', placeholder: 'properties.revenue' })),
    h('label', {}, 'Page event template', h('input', { name: 'pageEventTemplate', value: d.pageEventTemplate || '' })),
    h('label', {}, 'Screen event template', h('input', { name: 'screenEventTemplate', value: d.screenEventTemplate || '' })),
    check('identify', 'Enable identify'),
    check('track', 'Enable track'),
    check('namedPages', 'Track named pages'),
    check('namedScreens', 'Track named screens'),
    d.id ? null : h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'signed' }), 'Check X-Signature (make a signing secret)'));
}

function destinationBody(form) {
  const f = new FormData(form);
  const text = name => (f.get(name) || '').trim() || null;
  return {
    id: text('id'), environment: text('environment'), trafficType: text('trafficType'), identity: text('identity'),
    anonymousTrafficType: text('anonymousTrafficType'), groupTrafficType: text('groupTrafficType'),
    identify: f.get('identify') !== null, track: f.get('track') !== null,
    eventTypeIdField: text('eventTypeIdField'), valueField: text('valueField'),
    namedPages: f.get('namedPages') !== null, namedScreens: f.get('namedScreens') !== null,
    pageEventTemplate: text('pageEventTemplate'), screenEventTemplate: text('screenEventTemplate'),
  };
}

function secretCard(answer) {
  const field = (label, id, value) => {
    const input = h('input', { id, readonly: true, value });
    return h('div', {}, h('span', { class: 'muted' }, label), h('div', { class: 'value' }, input, copyButton(input)));
  };
  return h('div', { class: 'card secret', id: 'secret-card' },
    h('h2', {}, 'Destination ' + answer.destination.id + ' is configured: copy these now, they are shown once'),
    field('Webhook URL (Segment: Webhooks destination, URL)', 'webhook-url', answer.webhookUrl),
    field('Webhook secret (Segment: header Authorization)', 'webhook-secret', answer.webhookSecret),
    field('API key (Segment-compatible API, /v1/*)', 'api-key', answer.apiKey),
    answer.signingSecret ? field('Signing secret (Segment: shared secret)', 'signing-secret', answer.signingSecret) : null);
}

async function destinations(justCreated) {
  const [list, envs] = await Promise.all([api('GET', '/api/admin/destinations'), api('GET', '/api/admin/environments')]);
  const error = errorLine();
  const form = destinationForm(envs);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const signed = new FormData(form).get('signed') !== null;
    try {
      const answer = await api('POST', '/api/admin/destinations' + (signed ? '?signingSecret=true' : ''), destinationBody(form));
      toast('Destination saved');
      destinations(answer);
    } catch (e) { fail(error, e); }
  });
  show(h('h1', {}, 'Destinations', h('span', { class: 'muted' }, ' — Segment → FME')),
    justCreated ? secretCard(justCreated) : null,
    h('div', { class: 'card' }, table([
      { title: 'Destination', value: d => h('a', { href: '#destination/' + encodeURIComponent(d.id) }, d.id) },
      { title: 'Environment', value: d => d.environment },
      { title: 'Traffic type', value: d => d.trafficType + (d.anonymousTrafficType ? ' / ' + d.anonymousTrafficType : '') },
      { title: 'Identity', value: d => d.identity },
      { title: 'Calls', value: d => [['identify', d.identify], ['track', d.track], ['pages', d.namedPages], ['screens', d.namedScreens]]
          .map(([n, on]) => h('span', { class: 'pill ' + (on ? 'on' : 'off') }, n)) },
      { title: 'Webhook URL', value: d => h('code', {}, d.webhookUrl) },
    ], list, 'destination-row')),
    h('div', { class: 'card' }, h('h2', {}, 'Add configuration'), form,
      h('div', { class: 'actions' }, h('button', { class: 'primary', id: 'save-destination', onclick: () => form.requestSubmit() }, 'Save')), error));
}

async function destination(id, rotated) {
  const [d, envs] = await Promise.all([api('GET', '/api/admin/destinations/' + encodeURIComponent(id)), api('GET', '/api/admin/environments')]);
  const figures = h('div', { class: 'figures', id: 'destination-figures' });
  const reasons = h('div');
  const events = h('div');
  const drops = h('div');
  const error = errorLine();
  const form = destinationForm(envs, d);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      await api('PUT', '/api/admin/destinations/' + encodeURIComponent(id), destinationBody(form));
      toast('Saved: in force from the next request');
    } catch (e) { fail(error, e); }
  });
  show(h('h1', {}, 'Destination ' + d.id, h('span', { class: 'muted' }, ' — environment ' + d.environment)),
    rotated ? secretCard(rotated) : null,
    h('div', { class: 'card' }, h('h2', {}, 'Live figures'), figures, reasons),
    h('div', { class: 'row' },
      h('div', { class: 'card' }, h('h2', {}, 'Latest events'), events),
      h('div', { class: 'card' }, h('h2', {}, 'Latest drops'), drops)),
    h('div', { class: 'card' }, h('h2', {}, 'Settings'), h('p', {}, 'Webhook URL ', h('code', {}, d.webhookUrl)), form,
      h('div', { class: 'actions' },
        h('button', { class: 'primary', onclick: () => form.requestSubmit() }, 'Save'),
        h('button', {
          id: 'rotate', onclick: async () => {
            if (!confirm('New credentials now: the old ones stop working at once. Go on?')) return;
            try { destination(id, await api('POST', '/api/admin/destinations/' + encodeURIComponent(id) + '/rotate')); } catch (e) { fail(error, e); }
          },
        }, 'Rotate credentials'),
        h('button', { class: 'danger', onclick: () => remove('destinations', id, () => { location.hash = '#destinations'; }) }, 'Delete')),
      error));
  live(async () => {
    const [stats, latest, dropped, lag] = await Promise.all([
      api('GET', '/api/destinations/' + encodeURIComponent(id) + '/stats'),
      api('GET', '/api/environments/' + encodeURIComponent(d.environment) + '/events?destination=' + encodeURIComponent(id) + '&limit=20'),
      api('GET', '/api/destinations/' + encodeURIComponent(id) + '/dropped?limit=20'),
      api('GET', '/api/lag'),
    ]);
    const totalDropped = Object.values(stats.dropped || {}).reduce((a, b) => a + b, 0);
    // requests answered 200 that the consumers have not mapped yet: not in the figures above until they are
    const behind = lag.entries === null ? null : ((lag.segment || {}).destinations || {})[id] || { entries: 0, seconds: 0 };
    figures.replaceChildren(...[['received', stats.received], ['stored', stats.stored], ['duplicates', stats.duplicates], ['dropped', totalDropped]]
      .map(([name, n]) => h('div', { class: 'figure', 'data-figure': name }, h('b', {}, fmt(n)), h('span', {}, name))),
      h('div', { class: 'figure', 'data-figure': 'behind', title: 'requests answered 200, not yet mapped (GET /api/lag)' },
        h('b', {}, behind ? fmt(behind.entries) : '—'),
        h('span', {}, behind ? 'behind' + (behind.entries ? ' (' + behind.seconds.toFixed(1) + ' s)' : '') : 'behind (Kafka: see metrics)')));
    reasons.replaceChildren(...Object.entries(stats.dropped || {}).map(([r, n]) => h('span', { class: 'pill' }, r + ': ' + fmt(n))));
    events.replaceChildren(eventTable(latest));
    drops.replaceChildren(table([
      { title: 'Received (UTC)', value: x => h('span', { class: 'nowrap' }, time(x.receivedAt)) },
      { title: 'Reason', value: x => h('code', {}, x.reason) },
      { title: 'Detail', value: x => x.detail },
      { title: 'messageId', value: x => h('code', {}, x.messageId || '') },
    ], dropped, 'drop-row'));
  });
}

// ---- sources

function sourceForm(envs, s) {
  s = s || { identities: {}, batch: {} };
  const envSelect = h('select', { name: 'environment', required: true }, envs.map(e => h('option', { value: e.id, selected: e.id === s.environment }, e.id + ' — ' + e.name)));
  const identities = h('div', { class: 'grid-span' });
  const fill = () => {
    const env = envs.find(e => e.id === envSelect.value) || { trafficTypes: [] };
    identities.replaceChildren(...env.trafficTypes.map(t => h('label', {}, 'Traffic type ' + t + ' →',
      h('select', { name: 'identity:' + t },
        h('option', { value: 'userId', selected: (s.identities[t] || 'userId') === 'userId' }, 'userId'),
        h('option', { value: 'anonymousId', selected: s.identities[t] === 'anonymousId' }, 'anonymousId')))));
  };
  envSelect.addEventListener('change', fill);
  fill();
  const known = REGIONS.some(([url]) => url === s.endpoint);
  return h('form', { class: 'grid', id: 'source-form' },
    h('label', {}, 'Id', h('input', { name: 'id', required: true, value: s.id || '', readonly: !!s.id, placeholder: 'prod-segment' })),
    h('label', {}, 'Select environment', envSelect),
    h('label', {}, s.id ? 'Write key (leave empty to keep)' : 'Segment write key', h('input', { name: 'writeKey', type: 'password', autocomplete: 'off' })),
    h('label', {}, 'Region', h('select', { name: 'region' },
      REGIONS.map(([url, name]) => h('option', { value: url, selected: url === (s.endpoint || REGIONS[0][0]) }, name)),
      h('option', { value: 'other', selected: !!s.endpoint && !known }, 'Other endpoint'))),
    h('label', {}, 'Other endpoint', h('input', { name: 'endpoint', value: known ? '' : (s.endpoint || ''), placeholder: 'https://…' })),
    h('label', {}, 'Batch: max messages', h('input', { name: 'maxMessages', type: 'number', value: s.batch.maxMessages || 100 })),
    h('label', {}, 'Batch: max bytes', h('input', { name: 'maxBytes', type: 'number', value: s.batch.maxBytes || 460000 })),
    h('label', {}, 'Batch: max delay', h('input', { name: 'maxDelay', value: s.batch.maxDelay || '2s' })),
    identities);
}

function sourceBody(form) {
  const f = new FormData(form);
  const identities = {};
  for (const [k, v] of f.entries()) if (k.startsWith('identity:')) identities[k.slice(9)] = v;
  const body = {
    id: f.get('id'), environment: f.get('environment'),
    endpoint: f.get('region') === 'other' ? f.get('endpoint') : f.get('region'),
    identities,
    batch: { maxMessages: Number(f.get('maxMessages')) || null, maxBytes: Number(f.get('maxBytes')) || null, maxDelay: f.get('maxDelay') || null },
  };
  if (f.get('writeKey')) body.writeKey = f.get('writeKey');
  return body;
}

async function sources() {
  const [list, envs] = await Promise.all([api('GET', '/api/admin/sources'), api('GET', '/api/admin/environments')]);
  const stats = await Promise.all(list.map(s => api('GET', '/api/sources/' + encodeURIComponent(s.id) + '/stats').catch(() => ({}))));
  const error = errorLine();
  const form = sourceForm(envs);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      await api('POST', '/api/admin/sources', sourceBody(form));
      toast('Source saved');
      sources();
    } catch (e) { fail(error, e); }
  });
  show(h('h1', {}, 'Sources', h('span', { class: 'muted' }, ' — FME impressions → Segment')),
    h('div', { class: 'card' }, table([
      { title: 'Source', value: s => h('a', { href: '#source/' + encodeURIComponent(s.id) }, s.id) },
      { title: 'Environment', value: s => s.environment },
      { title: 'Endpoint', value: s => h('code', {}, s.endpoint) },
      { title: 'Identities', value: s => Object.entries(s.identities).map(([t, i]) => h('span', { class: 'pill' }, t + ' → ' + i)) },
      { title: 'Pending', num: true, value: s => fmt(stats[list.indexOf(s)].pending) },
      { title: 'Delivered', num: true, value: s => fmt(stats[list.indexOf(s)].delivered) },
      { title: 'Dead letters', num: true, value: s => fmt(stats[list.indexOf(s)].deadLettered) },
    ], list, 'source-row')),
    h('div', { class: 'card' }, h('h2', {}, 'Add configuration'),
      h('p', { class: 'muted' }, 'One per Segment workspace: every impression of the environment goes to each of its sources.'),
      form, h('div', { class: 'actions' }, h('button', { class: 'primary', id: 'save-source', onclick: () => form.requestSubmit() }, 'Save')), error));
}

async function source(id) {
  const [s, envs] = await Promise.all([api('GET', '/api/admin/sources/' + encodeURIComponent(id)), api('GET', '/api/admin/environments')]);
  const figures = h('div', { class: 'figures', id: 'source-figures' });
  const lastError = h('p', { class: 'muted' });
  const dead = h('div');
  const error = errorLine();
  const form = sourceForm(envs, s);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      await api('PUT', '/api/admin/sources/' + encodeURIComponent(id), sourceBody(form));
      toast('Saved: in force from the next batch');
    } catch (e) { fail(error, e); }
  });
  show(h('h1', {}, 'Source ' + s.id, h('span', { class: 'muted' }, ' — environment ' + s.environment)),
    h('div', { class: 'card' }, h('h2', {}, 'Delivery'), figures, lastError),
    h('div', { class: 'card' }, h('h2', {}, 'Dead letters'), dead,
      h('div', { class: 'actions' }, h('button', {
        id: 'replay', onclick: async () => {
          try { toast('Replayed ' + (await api('POST', '/api/sources/' + encodeURIComponent(id) + '/dead-letters/replay')).replayed); } catch (e) { fail(error, e); }
        },
      }, 'Replay dead letters'))),
    h('div', { class: 'card' }, h('h2', {}, 'Settings'), form, h('div', { class: 'actions' },
      h('button', { class: 'primary', onclick: () => form.requestSubmit() }, 'Save'),
      h('button', { class: 'danger', onclick: () => remove('sources', id, () => { location.hash = '#sources'; }) }, 'Delete')), error));
  live(async () => {
    const [st, letters] = await Promise.all([
      api('GET', '/api/sources/' + encodeURIComponent(id) + '/stats'),
      api('GET', '/api/sources/' + encodeURIComponent(id) + '/dead-letters?limit=20'),
    ]);
    figures.replaceChildren(...[['pending', 'pending'], ['delivered', 'delivered'], ['retrying', 'retrying'],
      ['deadLettered', 'dead letters'], ['batchesSent', 'batches sent']]
      .map(([name, label]) => h('div', { class: 'figure', 'data-figure': name }, h('b', {}, fmt(st[name])), h('span', {}, label))));
    lastError.textContent = st.lastError ? 'Last error: ' + st.lastError : '';
    dead.replaceChildren(table([
      { title: 'Failed (UTC)', value: x => h('span', { class: 'nowrap' }, time(x.failedAt)) },
      { title: 'Reason', value: x => x.reason },
      { title: 'messageId', value: x => h('code', {}, x.messageId) },
    ], letters, 'dead-letter-row'));
  });
}

// ---- metrics and the experiment readout

const MEASURES = [
  ['conversion', 'Conversion: whether the key had the event (a rate)'],
  ['count', 'Count: how many events the key had'],
  ['sum', 'Sum of the event values per key'],
  ['average', 'Average of the event values per key'],
];

async function metrics() {
  const [list, envs] = await Promise.all([api('GET', '/api/admin/metrics'), api('GET', '/api/admin/environments')]);
  const error = errorLine();
  const envSelect = h('select', { name: 'environment', required: true }, envs.map(e => h('option', { value: e.id }, e.id + ' — ' + e.name)));
  const tt = h('select', { name: 'trafficType' });
  const fillTypes = () => {
    const env = envs.find(e => e.id === envSelect.value) || { trafficTypes: [] };
    tt.replaceChildren(...env.trafficTypes.map(t => h('option', { value: t }, t)));
  };
  envSelect.addEventListener('change', fillTypes);
  fillTypes();
  const form = h('form', { class: 'grid', id: 'metric-form' },
    h('label', {}, 'Id', h('input', { name: 'id', required: true, placeholder: 'checkout-conversion' })),
    h('label', {}, 'Name', h('input', { name: 'name', placeholder: 'Checkout conversion' })),
    h('label', {}, 'Environment', envSelect),
    h('label', {}, 'Traffic type', tt),
    h('label', {}, 'Event type', h('input', { name: 'eventType', required: true, placeholder: 'Order_Completed' })),
    h('label', {}, 'Measured per key', h('select', { name: 'measure' }, MEASURES.map(([v, t]) => h('option', { value: v }, t)))),
    h('label', { class: 'grid-span' }, 'Description', h('input', { name: 'description', placeholder: 'What it tells, for whoever reads the readout' })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'higherIsBetter', checked: true }), 'Higher is better'));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const f = new FormData(form);
    const text = name => (f.get(name) || '').trim() || null;
    try {
      await api('POST', '/api/admin/metrics', {
        id: text('id'), name: text('name'), description: text('description'), environment: text('environment'),
        trafficType: text('trafficType'), eventType: text('eventType'), measure: text('measure'),
        higherIsBetter: f.get('higherIsBetter') !== null,
      });
      toast('Metric saved');
      metrics();
    } catch (e) { fail(error, e); }
  });
  show(h('h1', {}, 'Metrics', h('span', { class: 'muted' }, ' — what the readout measures per key')),
    h('div', { class: 'card' }, table([
      { title: 'Metric', value: m => h('span', {}, h('b', {}, m.name), h('br'), h('code', {}, m.id)) },
      { title: 'Environment', value: m => m.environment },
      { title: 'Traffic type', value: m => m.trafficType },
      { title: 'Event type', value: m => h('code', {}, m.eventType) },
      { title: 'Measure', value: m => m.measure },
      { title: 'Better', value: m => m.higherIsBetter ? 'higher' : 'lower' },
      { title: 'Description', value: m => m.description || '' },
      { title: '', value: m => h('button', { class: 'danger', onclick: () => remove('metrics', m.id, metrics) }, 'Delete') },
    ], list, 'metric-row')),
    h('div', { class: 'card' }, h('h2', {}, 'New metric'), form,
      h('div', { class: 'actions' }, h('button', { class: 'primary', id: 'save-metric', onclick: () => form.requestSubmit() }, 'Save metric')), error));
}

function pct(x) {
  return x === null || x === undefined ? '–' : (x * 100).toLocaleString('en-US', { maximumFractionDigits: 2 }) + '%';
}

function num(x, digits) {
  if (x === null || x === undefined) return '–';
  const a = Math.abs(x);
  if (a !== 0 && (a < 0.001 || a >= 1e9)) return x.toExponential(2);
  return x.toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 4 : digits });
}

function pValue(p) {
  if (p === null || p === undefined) return '–';
  return p < 0.0001 ? '< 0.0001' : num(p, 4);
}

/** Each treatment's value with its interval: a dot on a line, the control's value as a dashed rule. */
function intervalChart(metric) {
  const NS = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => {
    const n = document.createElementNS(NS, tag);
    Object.entries(attrs).forEach(([k, v]) => n.setAttribute(k, v));
    if (text !== undefined) n.textContent = text;
    return n;
  };
  const rate = metric.measure === 'conversion';
  const show = x => rate ? pct(x) : num(x, 3);
  const rows = metric.treatments;
  const width = 560, rowH = 30, left = 110, right = 30, top = 10;
  const height = top + rows.length * rowH + 26;
  const svg = el('svg', { class: 'chart readout-chart', width: '100%', viewBox: `0 0 ${width} ${height}`, 'data-metric': metric.id });
  const values = rows.flatMap(t => [t.low, t.high, t.value]).filter(v => v !== null && v !== undefined);
  if (values.length === 0) {
    svg.append(el('text', { x: 0, y: 20 }, 'No value yet.'));
    return svg;
  }
  let lo = Math.min(0, ...values), hi = Math.max(...values);
  if (hi === lo) hi = lo + 1;
  const pad = (hi - lo) * 0.05;
  lo -= pad; hi += pad;
  const x = v => left + (width - left - right) * (v - lo) / (hi - lo);
  svg.append(el('line', { class: 'axis', x1: left, x2: width - right, y1: height - 20, y2: height - 20 }));
  for (let i = 0; i <= 4; i++) {
    const v = lo + (hi - lo) * i / 4;
    svg.append(el('text', { class: 'tick', x: x(v), y: height - 6, 'text-anchor': 'middle' }, show(v)));
  }
  const control = rows.find(t => t.control);
  if (control && control.value !== null) {
    svg.append(el('line', { class: 'control-rule', x1: x(control.value), x2: x(control.value), y1: top - 4, y2: height - 20 }));
  }
  rows.forEach((t, i) => {
    const y = top + i * rowH + rowH / 2;
    svg.append(el('text', { x: 0, y: y + 4 }, (t.treatment.length > 14 ? t.treatment.slice(0, 13) + '…' : t.treatment) + (t.control ? ' (control)' : '')));
    if (t.low !== null && t.high !== null) {
      svg.append(el('line', { class: 'interval', 'data-treatment': t.treatment, x1: x(t.low), x2: x(t.high), y1: y, y2: y }));
      svg.append(el('line', { class: 'interval-end', x1: x(t.low), x2: x(t.low), y1: y - 5, y2: y + 5 }));
      svg.append(el('line', { class: 'interval-end', x1: x(t.high), x2: x(t.high), y1: y - 5, y2: y + 5 }));
    }
    if (t.value !== null) {
      svg.append(el('circle', { class: 'estimate' + (t.control ? ' control' : ''), 'data-treatment': t.treatment, cx: x(t.value), cy: y, r: 5 }));
    }
  });
  return svg;
}

function metricCard(r, m) {
  const rate = m.measure === 'conversion';
  const show = x => rate ? pct(x) : num(x, 4);
  const diff = x => rate ? (x === null ? '–' : (x > 0 ? '+' : '') + num(x * 100, 2) + ' pp') : (x === null ? '–' : (x > 0 ? '+' : '') + num(x, 4));
  const verdict = c => {
    if (c.pValue === null) return h('span', { class: 'muted' }, 'not enough data');
    if (!c.significant) return h('span', { class: 'muted' }, 'no significant difference');
    return h('b', { class: c.better ? 'on' : 'error' }, c.better ? 'better' : 'worse');
  };
  return h('div', { class: 'card readout-metric', 'data-metric': m.id },
    h('h2', {}, m.name, h('span', { class: 'muted' }, ' — ' + m.measure + ' of ', h('code', {}, m.eventType), ', ' + (m.higherIsBetter ? 'higher' : 'lower') + ' is better')),
    m.description ? h('p', { class: 'muted' }, m.description) : null,
    h('div', { class: 'row' },
      h('div', { class: 'grow' }, table([
        { title: 'Treatment', value: t => t.treatment + (t.control ? ' (control)' : '') },
        { title: 'Keys', num: true, value: t => fmt(t.measuredKeys) },
        { title: 'Events', num: true, value: t => fmt(t.events) },
        { title: rate ? 'Rate' : 'Mean', num: true, value: t => show(t.value) },
        { title: '95% interval', num: true, value: t => t.low === null ? '–' : show(t.low) + ' … ' + show(t.high) },
      ], m.treatments, 'readout-row')),
      h('div', { class: 'grow' }, intervalChart(m))),
    table([
      { title: 'Against ' + (r.control || 'control'), value: c => c.treatment },
      { title: 'Difference', num: true, value: c => diff(c.difference) },
      { title: '95% interval', num: true, value: c => c.differenceLow === null ? '–' : diff(c.differenceLow) + ' … ' + diff(c.differenceHigh) },
      { title: 'Relative lift', num: true, value: c => c.relativeLift === null ? '–' : (c.relativeLift > 0 ? '+' : '') + pct(c.relativeLift) },
      { title: '95% interval', num: true, value: c => c.relativeLiftLow === null ? '–' : pct(c.relativeLiftLow) + ' … ' + pct(c.relativeLiftHigh) },
      { title: 'p-value', num: true, value: c => pValue(c.pValue) },
      { title: m.test, value: verdict },
    ], m.comparisons, 'comparison-row'));
}

function readoutQuery(f) {
  const params = new URLSearchParams();
  const text = name => (f.get(name) || '').trim();
  if (text('from')) params.set('from', text('from'));
  if (text('to')) params.set('to', text('to'));
  f.getAll('metric').filter(Boolean).forEach(m => params.append('metric', m));
  if (text('attribute')) { params.set('attribute', text('attribute')); params.set('value', f.get('value') || ''); }
  return params;
}

async function readout() {
  const [envs, allMetrics] = await Promise.all([api('GET', '/api/admin/environments'), api('GET', '/api/admin/metrics')]);
  const error = errorLine();
  const result = h('div', { id: 'readout-result' });
  const envSelect = h('select', { name: 'environment', required: true }, envs.map(e => h('option', { value: e.id }, e.id + ' — ' + e.name)));
  const flags = h('datalist', { id: 'flag-list' });
  const metricSelect = h('select', { name: 'metric', multiple: true, size: 4 });
  const fill = async () => {
    const env = envSelect.value;
    metricSelect.replaceChildren(...allMetrics.filter(m => m.environment === env).map(m => h('option', { value: m.id }, m.name + ' (' + m.id + ')')));
    try {
      const seen = await api('GET', '/api/environments/' + encodeURIComponent(env) + '/impressions?limit=1000');
      const names = [...new Set(seen.map(i => i.split))].sort();
      flags.replaceChildren(...names.map(n => h('option', { value: n })));
    } catch (e) { flags.replaceChildren(); }
  };
  envSelect.addEventListener('change', fill);
  await fill();
  const form = h('form', { class: 'grid', id: 'readout-form' },
    h('label', {}, 'Environment', envSelect),
    h('label', {}, 'Flag', h('input', { name: 'flag', required: true, list: 'flag-list', placeholder: 'new_checkout' }), flags),
    h('label', {}, 'From (UTC, ISO-8601 or day)', h('input', { name: 'from', placeholder: '2026-03-01' })),
    h('label', {}, 'To (UTC; empty: now)', h('input', { name: 'to', placeholder: '2026-03-14' })),
    h('label', {}, 'Metrics (none chosen: all of the flag’s traffic type)', metricSelect),
    h('label', {}, 'Only keys whose attribute…', h('input', { name: 'attribute', placeholder: 'plan' })),
    h('label', {}, '…is', h('input', { name: 'value', placeholder: 'pro' })));
  const path = f => '/api/environments/' + encodeURIComponent(f.get('environment')) + '/flags/' + encodeURIComponent((f.get('flag') || '').trim()) + '/readout';
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    error.textContent = '';
    const f = new FormData(form);
    try {
      const r = await api('GET', path(f) + '?' + readoutQuery(f));
      const env = envs.find(e => e.id === r.environment) || { experiments: {} };
      result.replaceChildren(...readoutView(r, env));
    } catch (e) { result.replaceChildren(); fail(error, e); }
  });
  const csv = async () => {
    const f = new FormData(form);
    const params = readoutQuery(f);
    params.set('format', 'csv');
    try {
      const res = await fetch(path(f) + '?' + params, { headers: { Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY) } });
      const text = await res.text();
      if (!res.ok) throw new Error(JSON.parse(text).error || ('HTTP ' + res.status));
      const a = h('a', { download: 'readout-' + f.get('flag') + '.csv', href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })) });
      document.body.append(a);
      a.click();
      a.remove();
    } catch (e) { fail(error, e); }
  };
  show(h('h1', {}, 'Readout', h('span', { class: 'muted' }, ' — what each treatment did to each metric')),
    h('div', { class: 'card' }, form, h('div', { class: 'actions' },
      h('button', { class: 'primary', id: 'read-out', onclick: () => form.requestSubmit() }, 'Read out'),
      h('button', { id: 'download-csv', onclick: csv }, 'Download CSV')), error),
    result);
}

function readoutView(r, env) {
  const srm = r.sampleRatio;
  const exposure = h('div', { class: 'card', id: 'readout-exposure' },
    h('h2', {}, 'Exposure: flag ', h('code', {}, r.flag), h('span', { class: 'muted' }, ' in ' + r.environment + ', traffic type ' + r.trafficType + ', ' + time(r.from) + ' to ' + time(r.to) + (r.filter ? ', keys with ' + r.filter.attribute + ' = ' + r.filter.value : ''))),
    srm.mismatch
      ? h('p', { class: 'card error srm', id: 'srm-warning', role: 'alert' }, 'Sample ratio mismatch: the keys per treatment are not the expected split (chi-square p = ' + pValue(srm.pValue) + ' < ' + srm.threshold + '). The assignment or the logging is broken; do not trust the differences below until it is explained.')
      : h('p', { class: 'muted', id: 'srm-ok' }, 'Split as expected (chi-square p = ' + pValue(srm.pValue) + ').'),
    table([
      { title: 'Treatment', value: t => t.treatment + (t.treatment === r.control ? ' (control, ' + r.controlChosenBy + ')' : '') },
      { title: 'Keys', num: true, value: t => fmt(t.keys) },
      { title: 'Expected', num: true, value: t => srm.expectedKeys[t.treatment] === undefined ? '–' : fmt(srm.expectedKeys[t.treatment]) },
      { title: 'Also had another treatment (left out)', num: true, value: t => fmt(t.mixedKeys) },
      { title: 'First exposure (UTC)', value: t => h('span', { class: 'nowrap' }, time(t.firstExposure)) },
    ], r.exposure.treatments, 'exposure-row'));
  const x = (env.experiments || {})[r.flag] || {};
  const settingsForm = h('form', { class: 'grid', id: 'experiment-form' },
    h('label', {}, 'Control treatment (empty: off, or else the first seen)', h('input', { name: 'control', value: x.control || '' })),
    h('label', {}, 'Expected split (empty: equal), e.g. on: 50, off: 50', h('input', { name: 'split', value: Object.entries(x.split || {}).map(([k, v]) => k + ': ' + v).join(', ') })));
  const settingsError = errorLine();
  settingsForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    const f = new FormData(settingsForm);
    const shares = {};
    for (const part of split(f.get('split'))) {
      const [k, v] = part.split(':').map(s => s.trim());
      shares[k] = v === undefined || v === '' ? null : Number(v);
    }
    const entry = { control: (f.get('control') || '').trim() || null, split: Object.keys(shares).length ? shares : null };
    const envPath = '/api/admin/environments/' + encodeURIComponent(r.environment);
    try {
      // the entry replaced whole: a merge patch alone would keep treatments left out of the new split
      await api('PATCH', envPath, { experiments: { [r.flag]: null } });
      if (entry.control || entry.split) await api('PATCH', envPath, { experiments: { [r.flag]: entry } });
      toast('Saved: read out again to apply');
    } catch (e) { fail(settingsError, e); }
  });
  const skipped = r.skippedMetrics.length === 0 ? null : h('p', { class: 'muted' }, 'Left out: ',
    r.skippedMetrics.map(s => h('span', { class: 'pill', title: s.reason }, s.id + ': no event of its type yet')));
  return [exposure,
    ...r.metrics.map(m => metricCard(r, m)),
    r.metrics.length === 0 ? h('div', { class: 'card muted' }, 'No metric to read: define one under Metrics, for this environment and the traffic type ' + r.trafficType + '.') : null,
    skipped,
    h('div', { class: 'card' }, h('h2', {}, 'This flag’s readout settings'), settingsForm,
      h('div', { class: 'actions' }, h('button', { onclick: () => settingsForm.requestSubmit() }, 'Save')), settingsError),
  ].filter(Boolean);
}

// ---- export

async function settings() {
  const res = await fetch('/api/admin/settings', { headers: { Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY) } });
  if (res.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    return route();
  }
  if (!res.ok) throw new Error('The service answered ' + res.status);
  const yaml = await res.text();
  const link = h('a', { class: 'button', download: 'integrations.yml', href: URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' })) }, 'Download integrations.yml');
  show(h('h1', {}, 'Export'),
    h('div', { class: 'card' },
      h('p', { class: 'muted' }, 'The settings in force, in the format of config/integrations.yml. Inbound credentials appear as hashes; write keys and signing secrets as they are: keep this file as safe as the service.'),
      link, h('pre', { class: 'mono' }, yaml)));
}

// ---- shared

function split(text) {
  return (text || '').split(',').map(s => s.trim()).filter(Boolean);
}

async function remove(kind, id, then) {
  if (!confirm('Delete ' + id + '?')) return;
  try {
    await api('DELETE', '/api/admin/' + kind + '/' + encodeURIComponent(id));
    toast('Deleted ' + id);
    then();
  } catch (e) { toast(e.message); }
}

async function route() {
  clearInterval(timer);
  document.getElementById('toast').hidden = true;
  if (!sessionStorage.getItem(TOKEN_KEY)) return login();
  document.getElementById('nav').hidden = false;
  document.getElementById('sign-out').hidden = false;
  try {
    const [page, arg] = (location.hash.slice(1) || 'destinations').split('/').map(decodeURIComponent);
    document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', page.startsWith(a.dataset.page.replace(/s$/, ''))));
    const lists = { environments, destinations, sources, settings, metrics, readout };
    const details = { environment, destination, source };
    if (details[page] && arg) await details[page](arg);
    else await (lists[page] || lists[page + 's'] || destinations)();
  } catch (e) {
    if (sessionStorage.getItem(TOKEN_KEY)) show(h('div', { class: 'card error' }, e.message));
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  location.hash = '';
  route();
});
window.addEventListener('hashchange', route);
route();
