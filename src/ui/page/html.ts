/**
 * The local page's HTML (issue 11), served from memory. Texts are filled by page.js from the
 * catalog (`data-t` keys); no inline script or style (the CSP allows neither). Statement fields
 * have `autocomplete="off"`; forms never submit anywhere (form-action 'none': page.js sends them).
 */
const fields = (p: string) => `
<fieldset><legend data-t='ui.f.who'></legend>
<label for="${p}-name" data-t='ui.f.name'></label>
<input id="${p}-name" name="name" autocomplete="off" spellcheck="false" maxlength="64" aria-describedby="${p}-name-help">
<p id="${p}-name-help" class="help" data-t='ui.f.name-help'></p>
<input type="checkbox" id="${p}-real" name="realName"><label for="${p}-real" data-t='ui.f.real-name'></label>
</fieldset>
<fieldset><legend data-t='ui.f.orgs'></legend>
<input type="checkbox" id="${p}-ccp" name="orgs" value="CCP"><label for="${p}-ccp" data-t='ui.f.ccp'></label>
<input type="checkbox" id="${p}-cyl" name="orgs" value="CYL"><label for="${p}-cyl" data-t='ui.f.cyl'></label>
<input type="checkbox" id="${p}-cyp" name="orgs" value="CYP"><label for="${p}-cyp" data-t='ui.f.cyp'></label>
</fieldset>
<fieldset><legend data-t='ui.f.where'></legend>
<label for="${p}-province" data-t='ui.f.province'></label>
<select id="${p}-province" name="province" class="provinces" autocomplete="off"></select>
<label for="${p}-city" data-t='ui.f.city'></label>
<input id="${p}-city" name="city" autocomplete="off" maxlength="64">
<label for="${p}-sector" data-t='ui.f.sector'></label>
<select id="${p}-sector" name="sector" class="sectors" autocomplete="off"></select>
</fieldset>
<label for="${p}-text" data-t='ui.f.words'></label>
<textarea id="${p}-text" name="text" rows="4" autocomplete="off" maxlength="4000"></textarea>
<p><input type="checkbox" id="${p}-publish" name="publish"><label for="${p}-publish" data-t='ui.f.publish'></label></p>
<p class="error" role="alert" id="${p}-error"></p>`;

/** A form of one field (its control's id is the label's `for`) and its button. */
const oneField = (form: string, label: string, control: string, button: string) => `<form id="${form}" novalidate>
<label for="${/id="([\w-]+)"/.exec(control)![1]}" data-t='${label}'></label>
${control}
<button type="submit" data-t='${button}'></button>
</form>`;

/** A tab's section, its heading the tab's own name; only the first (Send) is shown at first. */
const section = (id: string, body: string) => `<section id="${id}" aria-labelledby="h-${id}"${id === 'send' ? '' : ' hidden'}>
<h2 id="h-${id}" data-t='ui.nav.${id}'></h2>${body}</section>`;

export const PAGE_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>sealpost</title>
<link rel="stylesheet" href="/page.css">
<script src="/page.js" defer></script>
</head>
<body>
<header>
<h1 data-t='ui.title'></h1>
<button type="button" id="lang-switch" data-t='ui.lang.switch'></button>
<nav data-t-label='ui.nav.label'>
<button type="button" class="tab" aria-controls="unlock" data-t='ui.nav.unlock' hidden></button>
<button type="button" class="tab" aria-controls="send" data-t='ui.nav.send'></button>
<button type="button" class="tab" aria-controls="outbox" data-t='ui.nav.outbox'></button>
<button type="button" class="tab" aria-controls="connection" data-t='ui.nav.connection'></button>
<button type="button" class="tab" aria-controls="desk" data-t='ui.nav.desk'></button>
<button type="button" class="tab" aria-controls="safety" data-t='ui.nav.safety'></button>
</nav>
</header>
<main>
${section('unlock', `
<p data-t='ui.unlock.intro'></p>
${oneField('unlock-form', 'ui.unlock.label', `<input type="password" id="passphrase" autocomplete="off" spellcheck="false">`, 'ui.unlock.go')}
<p class="error" role="alert" id="unlock-error"></p>
`)}
${section('send', `
<form id="compose" novalidate>${fields('s')}
<button type="submit" data-t='ui.send.preview'></button>
</form>
<div id="preview" hidden>
<p data-t='ui.send.sealed'></p>
<pre id="sealed" tabindex="0"></pre>
<button type="button" id="edit" data-t='ui.send.edit'></button>
<button type="button" id="go" data-t='ui.send.go'></button>
</div>
<div id="progress" hidden>
<h3 data-t='ui.send.routes'></h3>
<ul id="route-states" aria-live="polite"></ul>
<p id="verdict" role="status" tabindex="-1"></p>
<div id="receipt-box" hidden>
<label for="receipt" data-t='ui.send.receipt'></label>
<textarea id="receipt" rows="6" readonly></textarea>
<button type="button" id="copy" data-t='ui.send.copy'></button>
<a id="save" download="sealpost-receipt.txt" href="#" data-t='ui.send.save'></a>
<button type="button" id="qr" data-t='ui.send.qr'></button>
<img id="qr-img" alt="" hidden>
</div>
</div>
`)}
${section('outbox', `
<button type="button" id="retry" data-t='ui.outbox.retry'></button>
<input type="checkbox" id="keep" checked><label for="keep" data-t='ui.outbox.keep'></label>
<p id="outbox-status" role="status"></p>
<table><thead><tr><th scope="col" data-t='ui.outbox.id'></th><th scope="col" data-t='ui.outbox.state'></th><th scope="col" data-t='ui.outbox.attempts'></th></tr></thead>
<tbody id="outbox-rows"></tbody></table>
`)}
${section('connection', `
<h3 data-t='ui.conn.routes'></h3>
<table><thead><tr><th scope="col" data-t='ui.conn.route'></th><th scope="col" data-t='ui.conn.kind'></th><th scope="col" data-t='ui.conn.health'></th></tr></thead>
<tbody id="route-rows"></tbody></table>
${oneField('proxy-form', 'ui.conn.proxy', `<input id="proxy" autocomplete="off" spellcheck="false">`, 'ui.conn.proxy-add')}
<button type="button" id="detect" data-t='ui.conn.detect'></button>
<ul id="detected"></ul>
${oneField('list-form', 'ui.conn.list', `<input type="file" id="list-file">`, 'ui.conn.list-import')}
<p id="conn-status" role="status"></p>
`)}
${section('desk', `
<p data-t='ui.desk.intro'></p>
<form id="desk-form" novalidate>${fields('d')}
<button type="submit" data-t='ui.desk.add'></button>
</form>
<p id="desk-status" role="status"></p>
${oneField('csv-form', 'ui.desk.csv', `<input type="file" id="csv-file" accept=".csv,text/csv">`, 'ui.desk.csv-go')}
<p id="csv-status" role="status"></p>
<table id="rejects" hidden><caption data-t='ui.desk.rejects'></caption><thead><tr><th scope="col" data-t='ui.desk.line'></th><th scope="col" data-t='ui.desk.reason'></th></tr></thead>
<tbody id="reject-rows"></tbody></table>
${oneField('paste-form', 'ui.desk.paste', `<textarea id="paste" rows="6" autocomplete="off" spellcheck="false"></textarea>`, 'ui.desk.paste-go')}
<p id="paste-status" role="status"></p>
`)}
${section('safety', `
<p data-t='ui.safety.intro'></p>
<button type="button" id="wipe" class="danger" data-t='ui.safety.wipe'></button>
<p id="wipe-status" role="status"></p>
`)}
</main>
</body>
</html>
`;
