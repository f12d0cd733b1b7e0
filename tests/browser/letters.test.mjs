// letters.test.mjs — a request's extension and its letters in Chromium, as
// a handler makes them: two requests filed on the public form (one in
// Finnish, one in English); the first extended by two months (its letter
// previewed, marked sent, the stored letter printed to one A4 PDF with the
// ticket number), identity checked, answered, the answer letter drafted,
// previewed, marked sent and printed; the second refused, its refusal
// certificate drafted in English with its legal bases, marked sent and
// printed with the Ombudsman's contact and the judicial remedy. Every page:
// axe-core at WCAG 2.1 AA, well-formed XML, valid HTML, nothing from other
// origins, a screenshot.
//
// Run through tests/browser/run.sh (see README.md); needs REKISTERI_BASE_URL
// and REKISTERI_CLI (tests/http/harness.sh).
// declared-tests: 5

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	BASE_URL, OUT_DIR, checkShown, isA4, lastDocument, launch, pdfPages, pdfText, track,
	yesterday,
} from './lib.mjs';

const CLI = process.env.REKISTERI_CLI;
const HANDLER = 'browser.letters';
const PASSWORD = 'Kirjeet tulostuvat selaimessa 5';
const REASONS = 'Pyyntö koskee kymmenen vuoden tilauksia ja laskuja.';
const ANSWER = 'Lähetimme kopion kaikista tiedoistasi postitse.';
const REFUSAL = 'The invoices must be kept for ten years under the Accounting Act.';

let browser;
let page;
let t;
const filed = {};	// lang → ticket number

// go(url, action): do action, wait for the document it loads (the same
// URL again, too), and check that it is url.
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

// File a request in lang with one type on the public form; its ticket number.
async function fileRequest(lang, type, name) {
	await page.goto(`${BASE_URL}/request?lang=${lang}`, { waitUntil: 'load' });
	await page.locator(`#type-${type}`).check();
	await page.locator('#f-name').fill(name);
	await page.locator('#f-address').fill('Kirjekatu 1, 00100 Helsinki');
	await go(/\/request\/ticket\/[A-Za-z0-9_-]+$/,
	    () => page.locator('form.request-form button[type="submit"]').click());
	return (await page.locator('.ticket-number').first().innerText()).trim();
}

// Open the request numbered number from the queue.
async function openRequest(number) {
	await page.goto(`${BASE_URL}/intranet/requests`, { waitUntil: 'load' });
	await go(/\/intranet\/request\?id=\d+(&done=\w+)?$/,
	    () => page.getByRole('link', { name: number, exact: true }).click());
}

// Print the page now shown to OUT_DIR/name.pdf: A4 pages; its text.
async function printed(name, pages = 1) {
	const path = join(OUT_DIR, `${name}.pdf`);
	await page.emulateMedia({ media: 'print' });
	await page.pdf({ path, format: 'A4', printBackground: false });
	await page.emulateMedia({ media: 'screen' });
	const sizes = pdfPages(path);
	assert.ok(sizes.length >= 1 && sizes.length <= pages, `${name}: ${sizes.length} pages`);
	for (const s of sizes)
		assert.ok(isA4(s), `${name}: a page of ${s.width} x ${s.height} pt`);
	return pdfText(path);
}

describe('letters in Chromium', () => {
	before(async () => {
		assert.ok(CLI, 'REKISTERI_CLI is not set: run me through tests/http/harness.sh');
		execFileSync(CLI, ['user', 'add', HANDLER, '--role', 'handler', '--nda', yesterday(),
		    '--name', 'Selain Kirjoittaja', '--password-stdin'], { input: `${PASSWORD}\n` });
		browser = await launch();
		page = await browser.context.newPage();
		t = track(page);
	});
	after(async () => {
		await browser?.close();
	});

	it('two requests are filed on the public form, in Finnish and in English', async () => {
		filed.fi = await fileRequest('fi', 'access', 'Kirsi Kirje');
		filed.en = await fileRequest('en', 'erasure', 'Edward Letter');
		assert.match(filed.fi, /^TS-\d{4}-\d{6}$/);
		assert.match(filed.en, /^TS-\d{4}-\d{6}$/);
		await page.goto(`${BASE_URL}/intranet/login`, { waitUntil: 'load' });
		await page.getByLabel('Käyttäjätunnus').fill(HANDLER);
		await page.getByLabel('Salasana').fill(PASSWORD);
		await go(`${BASE_URL}/intranet/`, () => page.getByRole('button', { name: 'Kirjaudu' }).click());
	});

	it('the deadline is extended; the extension letter is previewed', async () => {
		await openRequest(filed.fi);
		await checkShown(page, t, 'letters-request');
		await page.locator('#ext-2').check();
		await page.locator('#ext-reasons').fill(REASONS);
		await go(/\/intranet\/request\/letter\?id=\d+&kind=extension(&done=\w+)?$/,
		    () => page.getByRole('button', { name: 'Jatka määräaikaa' }).click());
		assert.equal((await page.locator('h1').innerText()).trim(), 'Vastausajan jatkaminen');
		assert.match(await page.locator('.letter').innerText(), /kahdella kuukaudella/);
		await checkShown(page, t, 'letter-extension-draft');
	});

	it('the extension letter is marked sent and printed on A4 with the ticket number', async () => {
		await go(/\/intranet\/letter\?id=\d+(&done=\w+)?$/,
		    () => page.getByRole('button', { name: 'Merkitse lähetetyksi' }).click());
		const body = await checkShown(page, t, 'letter-extension');
		assert.ok(!body.includes('name="csrf"'), 'the stored letter has the staff forms');
		const text = await printed('letter-extension-fi');
		assert.ok(text.includes(filed.fi), 'the number is not in the PDF');
		assert.ok(text.includes(REASONS), 'the reasons are not in the PDF');
	});

	it('the answer letter is drafted, previewed, marked sent and printed', async () => {
		await openRequest(filed.fi);
		await page.getByRole('radio', { name: 'Muu tapa' }).check();
		await page.locator('#note').fill('Verrattu rekisteriin puhelimessa');
		await go(/\/intranet\/request\?id=\d+(&done=\w+)?$/,
		    () => page.getByRole('button', { name: 'Merkitse varmistetuksi' }).click());
		await page.locator('#case-note').fill('Kopio lähetetty');
		await go(/\/intranet\/request\/letter\?id=\d+&kind=answer(&done=\w+)?$/,
		    () => page.getByRole('button', { name: 'Merkitse vastatuksi', exact: true }).click());
		await page.locator('textarea[name="type.access"]').fill(ANSWER);
		await go(/\/intranet\/request\/letter\?id=\d+&kind=answer/,
		    () => page.getByRole('button', { name: 'Tallenna luonnos ja esikatsele' }).click());
		assert.match(await page.locator('.letter').innerText(), new RegExp(ANSWER));
		await checkShown(page, t, 'letter-answer-draft');
		await go(/\/intranet\/letter\?id=\d+(&done=\w+)?$/,
		    () => page.getByRole('button', { name: 'Merkitse lähetetyksi' }).click());
		await checkShown(page, t, 'letter-answer');
		const text = await printed('letter-answer-fi');
		assert.ok(text.includes(filed.fi), 'the number is not in the PDF');
		assert.ok(text.includes(ANSWER), 'the answer is not in the PDF');
	});

	it('the refusal certificate in English: bases, reasons, the Ombudsman and the courts', async () => {
		await openRequest(filed.en);
		await page.locator('#case-note').fill('Invoices are kept');
		await go(/\/intranet\/request\/letter\?id=\d+&kind=refusal(&done=\w+)?$/,
		    () => page.getByRole('button', { name: 'Kieltäydytty', exact: true }).click());
		await page.locator('#scope-whole').check();
		await page.locator('#refused').fill('Erasure of the invoices');
		await page.locator('input[value="legal_obligation"]').check();
		await page.locator('#reasons').fill(REFUSAL);
		await go(/\/intranet\/request\/letter\?id=\d+&kind=refusal/,
		    () => page.getByRole('button', { name: 'Save the draft and preview' }).click());
		await checkShown(page, t, 'letter-refusal-draft-en');
		await go(/\/intranet\/letter\?id=\d+(&done=\w+)?$/,
		    () => page.getByRole('button', { name: 'Mark as sent' }).click());
		await checkShown(page, t, 'letter-refusal-en');
		const text = (await printed('letter-refusal-en', 2)).replace(/\s+/g, ' ');
		for (const want of [filed.en, REFUSAL, 'GDPR Art. 17(3)(b)', 'tietosuoja@om.fi',
		    'Office of the Data Protection Ombudsman', 'effective judicial remedy', 'Article 79'])
			assert.ok(text.includes(want), `"${want}" is not in the PDF`);
	});
});
