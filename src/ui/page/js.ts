/**
 * The local page's script (issue 11), served from memory as /page.js (no inline script: the CSP
 * forbids it). Plain DOM, no framework, no storage: the statement lives in the form until it is
 * sent, then the form is cleared. Texts come from /api/init in the page's language.
 */
export const PAGE_JS = String.raw`(function () {
'use strict';
var S = {}, lang = 'zh-CN', data = null, deskCount = 0, retrying = false;
var STATE = { trying: 'ui.state.trying', blocked: 'ui.state.blocked', lying: 'ui.state.lying', delivered: 'ui.state.delivered', stopped: 'ui.state.stopped' };
var ITEM = { pending: 'ui.outbox.pending', delivered: 'ui.outbox.delivered', failed: 'ui.outbox.failed' };
function $(id) { return document.getElementById(id); }
function tr(k, p) {
  var s = S[k] || k;
  if (p) Object.keys(p).forEach(function (n) { s = s.split('{' + n + '}').join(String(p[n])); });
  return s;
}
function api(path, body, raw) {
  var o = { method: body === undefined ? 'GET' : 'POST', headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    o.body = raw ? body : JSON.stringify(body);
    o.headers['Content-Type'] = raw ? 'application/octet-stream' : 'application/json';
  }
  return fetch(path, o).then(function (r) {
    return r.json().then(function (j) { if (!r.ok) throw j; return j; });
  });
}
function el(tag, text, cls) {
  var e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}
function fillSelect(sel, items, noneKey) {
  var v = sel.value;
  sel.textContent = '';
  var none = el('option', tr(noneKey)); none.value = ''; sel.appendChild(none);
  items.forEach(function (it) { var o = el('option', it[1]); o.value = it[0]; sel.appendChild(o); });
  sel.value = v;
}
function apply() {
  document.documentElement.lang = lang;
  document.title = tr('ui.title');
  Array.prototype.forEach.call(document.querySelectorAll('[data-t]'), function (e) { e.textContent = tr(e.getAttribute('data-t')); });
  Array.prototype.forEach.call(document.querySelectorAll('[data-t-label]'), function (e) { e.setAttribute('aria-label', tr(e.getAttribute('data-t-label'))); });
  $('lang-switch').lang = lang === 'en' ? 'zh-CN' : 'en';
  Array.prototype.forEach.call(document.querySelectorAll('select.provinces'), function (s) {
    fillSelect(s, data.provinces.map(function (p) { return [p.code, p.name]; }), 'ui.f.province-none');
  });
  Array.prototype.forEach.call(document.querySelectorAll('select.sectors'), function (s) {
    fillSelect(s, data.sectors.map(function (p) { return [p.value, p.name]; }), 'ui.f.sector-none');
  });
  $('qr-img').alt = tr('ui.send.qr');
  redraw();
  // Locked (a protected home, no terminal at start): only the passphrase and Safety's wipe.
  Array.prototype.forEach.call(document.querySelectorAll('.tab'), function (b) {
    var id = b.getAttribute('aria-controls');
    b.hidden = data.locked ? id !== 'unlock' && id !== 'safety' : id === 'unlock';
  });
  if (!data.locked) { loadOutbox(); loadRoutes(); }
}
function took(d) { data = d; S = d.strings; lang = d.lang; apply(); }
function unlock(ev) {
  ev.preventDefault();
  var input = $('passphrase'), p = input.value;
  input.value = '';
  api('/api/unlock', { passphrase: p }).then(function (d) {
    $('unlock-error').textContent = '';
    took(d); show('send'); $('s-name').focus();
  }, function (err) { failed($('unlock-error'))(err); input.focus(); });
}

function show(id) {
  Array.prototype.forEach.call(document.querySelectorAll('main > section'), function (s) { s.hidden = s.id !== id; });
  Array.prototype.forEach.call(document.querySelectorAll('.tab'), function (b) {
    if (b.getAttribute('aria-controls') === id) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
  });
  if (data && data.locked) return;
  if (id === 'outbox') loadOutbox();
  if (id === 'connection') loadRoutes();
}

function fields(form) {
  var f = form.elements;
  var orgs = Array.prototype.filter.call(form.querySelectorAll('input[name=orgs]'), function (c) { return c.checked; }).map(function (c) { return c.value; });
  return { name: f.name.value, realName: f.realName.checked, orgs: orgs, province: f.province.value, city: f.city.value, sector: f.sector.value, text: f.text.value, publish: f.publish.checked };
}
var FLAG_FIELD = { '--name': 'name', '--real-name': 'realName', '--orgs': 'orgs', '--province': 'province', '--city': 'city', '--sector': 'sector', '--text': 'text', '--publish': 'publish' };
function showError(form, box, err) {
  Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), function (e) { e.removeAttribute('aria-invalid'); });
  box.textContent = err ? (err.error || tr('ui.err.failed', { why: String(err) })) : '';
  var name = err && FLAG_FIELD[err.field];
  var target = name && form.querySelector('[name=' + name + ']');
  if (target) { target.setAttribute('aria-invalid', 'true'); target.focus(); }
}
function failed(box) { return function (err) { box.textContent = err && err.error ? err.error : tr('ui.err.failed', { why: String(err && err.message || err) }); }; }

var draft = null, receiptUrl = null;
function routeLine(e) {
  var list = $('route-states'), li = document.getElementById('rs-' + e.route);
  if (!li) { li = el('li'); li.id = 'rs-' + e.route; list.appendChild(li); }
  li.className = 'state-' + e.state;
  li.setAttribute('data-event', JSON.stringify(e));
  li.textContent = e.route + ': ' + tr(STATE[e.state]) + (e.ms !== undefined ? ' (' + e.ms + ' ms)' : '');
}
function redraw() {
  Array.prototype.forEach.call(document.querySelectorAll('#route-states li'), function (li) { routeLine(JSON.parse(li.getAttribute('data-event'))); });
  var v = $('verdict').getAttribute('data-key');
  if (v) $('verdict').textContent = tr(v);
  Array.prototype.forEach.call(document.querySelectorAll('[role=status]:not(#verdict)'), function (e) { e.textContent = ''; });
}
function preview(ev) {
  ev.preventDefault();
  var form = $('compose');
  api('/api/preview', { fields: fields(form) }).then(function (r) {
    showError(form, $('s-error'), null);
    draft = r.draft;
    $('sealed').textContent = r.sealed;
    form.hidden = true; $('preview').hidden = false; $('progress').hidden = true;
    $('go').focus();
  }, function (err) { showError(form, $('s-error'), err); });
}
function sendDraft() {
  $('go').disabled = true;
  $('route-states').textContent = ''; $('verdict').textContent = ''; $('verdict').removeAttribute('data-key'); $('receipt-box').hidden = true; $('qr-img').hidden = true;
  $('progress').hidden = false;
  api('/api/send', { draft: draft }).then(function (r) {
    draft = null;
    $('compose').reset(); $('sealed').textContent = ''; $('preview').hidden = true; $('compose').hidden = false;
    $('verdict').setAttribute('data-key', r.delivered ? 'ui.send.verdict-ok' : 'ui.send.verdict-queued');
    $('verdict').textContent = r.verdict;
    $('verdict').className = r.delivered ? 'state-delivered' : 'state-blocked';
    if (r.delivered && r.receipt) {
      $('receipt').value = r.receipt; $('receipt-box').hidden = false;
      if (receiptUrl) URL.revokeObjectURL(receiptUrl);
      receiptUrl = URL.createObjectURL(new Blob([r.receipt + '\n'], { type: 'text/plain' }));
      $('save').href = receiptUrl;
    }
    $('verdict').focus();
  }, failed($('verdict'))).then(function () { $('go').disabled = false; });
}

// A table's rows, each an array of cell texts; one row saying so when there are none.
function fillTable(id, rows, emptyKey) {
  var body = $(id); body.textContent = '';
  if (rows.length === 0) { var r0 = el('tr'), td = el('td', tr(emptyKey)); td.colSpan = 3; r0.appendChild(td); body.appendChild(r0); }
  rows.forEach(function (cells) {
    var row = el('tr');
    cells.forEach(function (c) { row.appendChild(el('td', c)); });
    body.appendChild(row);
  });
}
function loadOutbox() {
  api('/api/outbox').then(function (items) {
    fillTable('outbox-rows', items.map(function (i) { return [i.id.slice(0, 16), tr(ITEM[i.state]), String(i.attempts)]; }), 'ui.outbox.empty');
  }, failed($('outbox-status')));
}
function retry(dueOnly) {
  if (retrying) return;
  retrying = true;
  api('/api/retry', { dueOnly: dueOnly }).then(function (r) {
    if (!dueOnly || r.delivered) $('outbox-status').textContent = r.busy ? tr('ui.outbox.busy') : tr('ui.outbox.sent', { count: r.delivered });
    loadOutbox();
  }, failed($('outbox-status'))).then(function () { retrying = false; });
}

function loadRoutes() {
  api('/api/routes').then(function (routes) {
    fillTable('route-rows', routes.map(function (r) { return [r.id + ' ' + r.url, r.kind, r.healthText]; }), 'ui.conn.none');
  }, failed($('conn-status')));
}
function useProxy(url) {
  $('conn-status').textContent = '…';
  api('/api/proxy', { url: url }).then(function (r) {
    $('conn-status').textContent = r.added ? tr('ui.conn.proxy-ok') : tr('ui.conn.proxy-bad');
    loadRoutes();
  }, failed($('conn-status')));
}
function detect() {
  var list = $('detected'); list.textContent = '';
  api('/api/detect', {}).then(function (found) {
    if (found.length === 0) list.appendChild(el('li', tr('ui.conn.detect-none')));
    found.forEach(function (p) {
      var li = el('li'), b = el('button', tr('ui.conn.use', { url: p.url }));
      b.type = 'button'; b.addEventListener('click', function () { useProxy(p.url); });
      li.appendChild(b); list.appendChild(li);
    });
  }, failed($('conn-status')));
}
function fileOf(input) { return input.files && input.files[0]; }

function deskAdd(ev) {
  ev.preventDefault();
  var form = $('desk-form');
  api('/api/queue', { fields: fields(form) }).then(function () {
    showError(form, $('d-error'), null);
    deskCount++;
    $('desk-status').textContent = tr('ui.desk.added', { count: deskCount });
    form.reset();
    $('d-name').focus();
  }, function (err) { showError(form, $('d-error'), err); });
}
function csvImport(ev) {
  ev.preventDefault();
  var f = fileOf($('csv-file')); if (!f) return;
  f.arrayBuffer().then(function (buf) { return api('/api/import-csv', buf, true); }).then(function (r) {
    $('csv-status').textContent = tr('ui.desk.csv-done', r);
    var body = $('reject-rows'); body.textContent = '';
    r.rejects.forEach(function (x) { var row = el('tr'); row.appendChild(el('td', String(x.line))); row.appendChild(el('td', x.code + ' ' + x.reason)); body.appendChild(row); });
    $('rejects').hidden = r.rejects.length === 0;
    $('csv-file').value = '';
  }, failed($('csv-status')));
}
function pasteAdd(ev) {
  ev.preventDefault();
  api('/api/accept', $('paste').value, true).then(function (r) {
    $('paste-status').textContent = tr('ui.desk.paste-done', { count: r.items.length, bad: r.problems.length });
    $('paste').value = '';
  }, failed($('paste-status')));
}

function init() {
  Array.prototype.forEach.call(document.querySelectorAll('.tab'), function (b) {
    b.addEventListener('click', function () { show(b.getAttribute('aria-controls')); });
  });
  $('lang-switch').addEventListener('click', function () { api('/api/lang', { lang: lang === 'en' ? 'zh-CN' : 'en' }).then(took); });
  $('compose').addEventListener('submit', preview);
  $('edit').addEventListener('click', function () { $('preview').hidden = true; $('compose').hidden = false; draft = null; $('s-name').focus(); });
  $('go').addEventListener('click', sendDraft);
  $('copy').addEventListener('click', function () {
    navigator.clipboard.writeText($('receipt').value).then(function () { $('verdict').textContent = tr('ui.send.verdict-ok') + ' — ' + tr('ui.send.copied'); });
  });
  $('qr').addEventListener('click', function () {
    api('/api/qr', { text: $('receipt').value }).then(function (r) {
      $('qr-img').src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(r.svg); $('qr-img').hidden = false;
    });
  });
  $('retry').addEventListener('click', function () { retry(false); });
  setInterval(function () { if ($('keep').checked) retry(true); }, 30000);
  $('proxy-form').addEventListener('submit', function (ev) { ev.preventDefault(); useProxy($('proxy').value); });
  $('detect').addEventListener('click', detect);
  $('list-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = fileOf($('list-file')); if (!f) return;
    f.text().then(function (text) { return api('/api/route-list', text, true); }).then(function (r) {
      $('conn-status').textContent = tr('ui.conn.list-ok', r); loadRoutes();
    }, failed($('conn-status')));
  });
  $('desk-form').addEventListener('submit', deskAdd);
  $('d-text').addEventListener('keydown', function (ev) { if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) deskAdd(ev); });
  $('csv-form').addEventListener('submit', csvImport);
  $('paste-form').addEventListener('submit', pasteAdd);
  $('paste').addEventListener('dragover', function (ev) { ev.preventDefault(); });
  $('paste').addEventListener('drop', function (ev) {
    ev.preventDefault();
    var f = ev.dataTransfer.files[0]; if (f) f.text().then(function (t) { $('paste').value = t; });
  });
  $('wipe').addEventListener('click', function () {
    if (!window.confirm(tr('ui.safety.confirm'))) return;
    api('/api/wipe', {}).then(function (r) {
      $('wipe-status').textContent = r.removed.length ? tr('ui.safety.done', { what: r.removed.join(', ') }) : tr('ui.safety.nothing');
      if (!data.locked) loadOutbox();
    }, failed($('wipe-status')));
  });
  var events = new EventSource('/api/events');
  events.onmessage = function (m) {
    var e = JSON.parse(m.data);
    if (e.type === 'route') routeLine(e);
    if (e.type === 'outbox' && !$('outbox').hidden && !data.locked) loadOutbox();
  };
  $('unlock-form').addEventListener('submit', unlock);
  api('/api/init').then(function (d) {
    took(d);
    show(d.locked ? 'unlock' : 'send');
    if (d.locked) $('passphrase').focus();
  });
}
document.addEventListener('DOMContentLoaded', init);
})();
`;
