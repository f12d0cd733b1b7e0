// report.test.mjs — the access report (GDPR Art. 15) and a rectification's
// letter (Art. 16, 19) in Chromium, printed as a handler prints them: a
// customer record seeded with orders, a ban, a disclosure and a change
// with its source (and another customer who must not show); a staff
// look-up of it; two access requests filed on the public form (Finnish,
// English) and linked to it by its number on the request page; each
// request's report opened from the request page, checked (axe-core at WCAG
// 2.1 AA, well-formed XML, valid HTML, nothing from other origins) and
// printed to A4 with page.pdf: the PDF (pdftotext) holds the person's
// name, an order number, the disclosure's recipient, the correction's old
// value, the date of the look-up and the Ombudsman, and none of the staff
// member's username or name, the other customer, or the staff links and
// forms (print CSS). Then a rectification request: the record corrected
// through the usual form for the request, both parties to tell (the
// source of the wrong value and the recipient) marked told, the answer
// letter listing them drafted, marked sent and printed with both.
//
// Run through tests/browser/run.sh (see README.md); needs REKISTERI_BASE_URL,
// REKISTERI_CLI and REKISTERI_STATE (tests/http/harness.sh).
// declared-tests: 4

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	BASE_URL, OUT_DIR, checkShown, isA4, lastDocument, launch, pdfPages, pdfText, track,
	yesterday,
} from './lib.mjs';

const CLI = process.env.REKISTERI_CLI;
const DB = `${process.env.REKISTERI_STATE}/rekisteri.db`;
const HANDLER = 'browser.report';
const HANDLER_NAME = 'Otto Otteentekijä';
const PASSWORD = 'Rekisteriote tulostuu paperille 9';
const NUMBER = 'A900001';
const PERSON = { first: 'Päivi', last: 'Paperinen', email: 'paivi.paperinen@example.org' };
const ORDER = 'T-5501';
const RECIPIENT = 'Perintä Paperi Oy';
const OLD_CITY = 'Vanhakylä';

// The record, its orders, a ban, a disclosure and a change from the
// address update service; another customer with an order and a disclosure
// of their own. Staff columns name the handler, who must never show.
const SEED = `
INSERT INTO customers (id, number, first_name, last_name, email, street,
    postal_code, city, customer_since)
  VALUES (900001, '${NUMBER}', '${PERSON.first}', '${PERSON.last}',
    '${PERSON.email}', 'Paperikatu 4', '90100', 'Oulu', '2019-05-01'),
  (900002, 'A900002', 'Vieras', 'Väärinen', 'vieras@example.org',
    'Vierastie 8', '00100', 'Helsinki', '2020-01-01');
INSERT INTO orders (customer_id, number, ordered_on, description, amount_cents, status)
  VALUES (900001, '${ORDER}', '2025-02-03', 'Laser-tulostin', 12900, 'paid'),
  (900001, 'T-5502', '2025-02-20', 'Värikasetit', 4590, 'collection'),
  (900002, 'T-6601', '2025-02-21', 'Vieraan tilaus', 100, 'open');
INSERT INTO bans (customer_id, purpose, since, via, reference)
  VALUES (900001, 'direct_marketing', '2024-03-03', 'phone', 'puhelu 3.3.2024');
INSERT INTO disclosures (customer_id, recipient, ground, what, disclosed_on, user_id)
  VALUES (900001, '${RECIPIENT}', 'collection', 'lasku T-5502', '2025-03-01',
    (SELECT id FROM users WHERE username = '${HANDLER}')),
  (900002, 'Vieras Perintä Oy', 'collection', 'lasku T-6601', '2025-03-02', NULL);
INSERT INTO customer_history (customer_id, field, old_value, new_value, user_id, at, source)
  VALUES (900001, 'city', '${OLD_CITY}', 'Oulu',
    (SELECT id FROM users WHERE username = '${HANDLER}'), '2025-01-10T09:00:00Z',
    'update_service');
`;

let browser;
let page;
let t;
let customerId;
const filed = {};	// fi, en, rect → ticket number

// go(url, action): do action, wait for the document it loads, and check
// that it is url (a string, or a RegExp).
async function go(url, action) {
	const before = t.documents.length;
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
	assert.ok(t.documents.length > before, `no document loaded for ${url}`);
	if (typeof url === 'string')
		assert.equal(page.url(), url);
	else
		assert.match(page.url(), url);
	return lastDocument(t);
}

// File a request in lang of one type on the public form; its ticket number.
async function fileRequest(lang, type, text) {
	await page.goto(`${BASE_URL}/request?lang=${lang}`, { waitUntil: 'load' });
	await page.locator(`#type-${type}`).check();
	await page.locator('#f-name').fill(`${PERSON.first} ${PERSON.last}`);
	await page.locator('#f-email').fill(PERSON.email);
	if (text)
		await page.locator('#f-free_text').fill(text);
	await go(/\/request\/ticket\/[A-Za-z0-9_-]+$/,
	    () => page.locator('form.request-form button[type="submit"]').click());
	return (await page.locator('.ticket-number').first().innerText()).trim();
}

// Open the request numbered number from the queue.
async function openRequest(number) {
	await page.goto(`${BASE_URL}/intranet/requests`, { waitUntil: 'load' });
	await go(/\/intranet\/request\?id=\d+(&done=\w+)?(#[\w-]+)?$/,
	    () => page.getByRole('link', { name: number, exact: true }).click());
}

// Link the record to the request now shown, by its customer number.
async function linkRecord() {
	await page.locator('#link-number').fill(NUMBER);
	await go(/\/intranet\/request\?id=\d+(&done=\w+)?(#[\w-]+)?$/,
	    () => page.locator('form:has(#link-number) button[type="submit"]').click());
	assert.ok(await page.locator(`a[href="/intranet/customer?id=${customerId}"]`).count() > 0,
	    'the record is not linked');
}

// Print the page now shown to OUT_DIR/name.pdf with print media: every page
// A4, between min and max pages; the text with white space runs made one blank.
async function printed(name, max, min = 1) {
	const path = join(OUT_DIR, `${name}.pdf`);
	await page.emulateMedia({ media: 'print' });
	await page.pdf({ path, format: 'A4', printBackground: false });
	await page.emulateMedia({ media: 'screen' });
	const sizes = pdfPages(path);
	assert.ok(sizes.length >= min && sizes.length <= max,
	    `${name}: ${sizes.length} pages (${min} to ${max} expected)`);
	for (const s of sizes)
		assert.ok(isA4(s), `${name}: a page of ${s.width} x ${s.height} pt`);
	return pdfText(path).replace(/\s+/g, ' ');
}

function contains(text, wants, name) {
	for (const w of wants)
		assert.ok(text.includes(w), `${name}: "${w}" is not in the PDF`);
}

function lacks(text, nots, name) {
	for (const n of nots)
		assert.ok(!text.includes(n), `${name}: "${n}" is in the PDF`);
}

// The report of the request numbered number, opened from its page, checked
// and printed; the PDF's text.
async function reportPrinted(number, lang) {
	await openRequest(number);
	await go(new RegExp(`/intranet/request/report\\?id=\\d+&customer=${customerId}$`),
	    () => page.locator(`a[href*="/intranet/request/report?"][href$="customer=${customerId}"]`)
	        .first().click());
	assert.equal(await page.locator('html').getAttribute('lang'), lang);
	const body = await checkShown(page, t, `access-report-${lang}`);
	assert.ok(body.includes(number), 'the page does not name its request');
	// every value of a record with two requests, the notice's purposes and
	// rights: about 8 pages; never one, never dozens
	return printed(`access-report-${lang}`, 12, 2);
}

// The time (UTC, as the audit log stores it) of the handler's first look-up
// of the record.
function lookupAt() {
	return execFileSync('sqlite3', [DB, "SELECT at FROM audit_log WHERE action ="
	    + ` 'customer.view' AND object_type = 'customer' AND object_id = '${customerId}'`
	    + ' ORDER BY id LIMIT 1'], { encoding: 'utf8' }).trim();
}

describe('the access report and the rectification letter in Chromium', () => {
	before(async () => {
		assert.ok(CLI, 'REKISTERI_CLI is not set: run me through tests/http/harness.sh');
		assert.ok(process.env.REKISTERI_STATE, 'REKISTERI_STATE is not set');
		execFileSync(CLI, ['user', 'add', HANDLER, '--role', 'handler', '--nda', yesterday(),
		    '--name', HANDLER_NAME, '--password-stdin'], { input: `${PASSWORD}\n` });
		execFileSync('sqlite3', [DB, SEED]);
		customerId = 900001;
		browser = await launch();
		page = await browser.context.newPage();
		t = track(page);
	});
	after(async () => {
		await browser?.close();
	});

	it('two access requests are filed, the record looked up and linked to both', async () => {
		filed.fi = await fileRequest('fi', 'access');
		filed.en = await fileRequest('en', 'access');
		await page.goto(`${BASE_URL}/intranet/login`, { waitUntil: 'load' });
		await page.getByLabel('Käyttäjätunnus').fill(HANDLER);
		await page.getByLabel('Salasana').fill(PASSWORD);
		await go(`${BASE_URL}/intranet/`, () => page.getByRole('button', { name: 'Kirjaudu' }).click());
		// a staff look-up for the report to date
		await page.goto(`${BASE_URL}/intranet/customer?id=${customerId}`, { waitUntil: 'load' });
		assert.match(await page.locator('h1').innerText(), new RegExp(PERSON.last));
		assert.match(lookupAt(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		for (const lang of ['fi', 'en']) {
			await openRequest(filed[lang]);
			await linkRecord();
		}
	});

	it('the Finnish report: checked, printed on A4 with every part and no staff', async () => {
		const text = await reportPrinted(filed.fi, 'fi');
		const at = new Date(lookupAt());
		const day = at.toLocaleDateString('fi-FI', { timeZone: 'Europe/Helsinki' });
		contains(text, [`${PERSON.first}`, PERSON.last, PERSON.email, NUMBER, ORDER,
		    'Laser-tulostin', RECIPIENT, 'lasku T-5502', OLD_CITY, 'Suoramarkkinointi',
		    filed.fi, 'Tietosuojavaltuutetun toimisto', 'tietosuoja@om.fi',
		    'Tietojen katselu', 'Käsittelijä', day], 'access-report-fi');
		lacks(text, [HANDLER, HANDLER_NAME, 'Otteentekijä', 'Väärinen', 'T-6601',
		    'Vieras Perintä', 'JSON-muodossa', 'Siirtotiedosto (JSON)', 'orders.csv',
		    'Merkitse lähetetyksi', 'Tallenna ote lähetettynä', 'Miten lähetetään'],
		    'access-report-fi');
	});

	it('the English report: checked, printed on A4 with every part and no staff', async () => {
		const text = await reportPrinted(filed.en, 'en');
		contains(text, [PERSON.first, PERSON.last, NUMBER, ORDER, RECIPIENT, OLD_CITY,
		    filed.en, 'Office of the Data Protection Ombudsman', 'Viewed the record',
		    'Handler', 'while the customer relationship lasts'], 'access-report-en');
		lacks(text, [HANDLER, HANDLER_NAME, 'Väärinen', 'T-6601', 'As JSON',
		    'Portability file', 'Mark as sent', 'Store the report as sent',
		    'How it is sent'], 'access-report-en');
	});

	it('a rectification: corrected for the request, parties told, the letter lists them', async () => {
		filed.rect = await fileRequest('fi', 'rectification', 'Kotikuntani on Kemi, ei Oulu.');
		await openRequest(filed.rect);
		await linkRecord();
		// the usual form, as a correction for the request
		await go(/\/intranet\/customer\/edit\?id=\d+&request=\d+$/,
		    () => page.getByRole('link', { name: 'Korjaa tiedot tämän pyynnön perusteella' }).click());
		await checkShown(page, t, 'rectification-edit');
		await page.locator('input[name="city"]').fill('Kemi');
		await go(/\/intranet\/request\?id=\d+(&done=\w+)?(#[\w-]+)?$/,
		    () => page.getByRole('button', { name: 'Tallenna' }).click());
		// the parties to tell: the source of the wrong value, the recipient
		const parties = page.locator('table.parties');
		assert.match(await parties.innerText(), /Osoitteenpäivityspalvelu/);
		assert.match(await parties.innerText(), new RegExp(RECIPIENT));
		assert.equal(await parties.locator('.mark').count(), 2);
		await checkShown(page, t, 'rectification-parties');
		for (const who of [RECIPIENT, 'Osoitteenpäivityspalvelu']) {
			await go(/\/intranet\/request\?id=\d+(&done=\w+)?(#[\w-]+)?$/, () => page.locator('table.parties tbody tr',
			    { hasText: who }).getByRole('button', { name: 'Merkitse ilmoitetuksi' }).click());
		}
		assert.equal(await page.locator('table.parties .mark').count(), 0);
		assert.equal(await page.locator('table.parties .ok-mark').count(), 2);
		// identity checked, answered, the letter with the parties
		await page.getByRole('radio', { name: 'Muu tapa' }).check();
		await page.locator('#note').fill('Verrattu rekisteriin puhelimessa');
		await go(/\/intranet\/request\?id=\d+(&done=\w+)?(#[\w-]+)?$/,
		    () => page.getByRole('button', { name: 'Merkitse varmistetuksi' }).click());
		await page.locator('#case-note').fill('Kotikunta korjattu');
		await go(/\/intranet\/request\/letter\?id=\d+&kind=answer(&done=\w+)?$/,
		    () => page.getByRole('button', { name: 'Merkitse vastatuksi', exact: true }).click());
		await page.locator('textarea[name="type.rectification"]').fill('Kotikuntasi on korjattu: Kemi.');
		await page.locator('#list-parties').check();
		await go(/\/intranet\/request\/letter\?id=\d+&kind=answer/,
		    () => page.getByRole('button', { name: 'Tallenna luonnos ja esikatsele' }).click());
		await checkShown(page, t, 'letter-rectification-draft');
		await go(/\/intranet\/letter\?id=\d+(&done=\w+)?$/,
		    () => page.getByRole('button', { name: 'Merkitse lähetetyksi' }).click());
		const body = await checkShown(page, t, 'letter-rectification');
		assert.ok(!body.includes('name="csrf"'), 'the stored letter has the staff forms');
		const text = await printed('letter-rectification-fi', 2);
		contains(text, [filed.rect, 'Kotikuntasi on korjattu: Kemi.',
		    'Kenelle korjauksesta on ilmoitettu', RECIPIENT, 'Osoitteenpäivityspalvelu'],
		    'letter-rectification-fi');
		lacks(text, [HANDLER, 'Merkitse lähetetyksi'], 'letter-rectification-fi');
	});
});
