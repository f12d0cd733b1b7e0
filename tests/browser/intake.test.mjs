// intake.test.mjs — manual intake in Chromium (issue #12): a handler opens
// "register a request" from the queue, a day in the future is refused with
// the message beside the field and in the summary (nothing stored), a
// letter received ten days ago is registered and shown with its channel,
// and its ticket is printed from the staff view on one A4 page. Every page:
// axe-core at WCAG 2.1 AA, well-formed XML, valid HTML (html-validate),
// nothing from other origins, a screenshot.
//
// Run through tests/browser/run.sh (see README.md); needs REKISTERI_BASE_URL
// and REKISTERI_CLI (tests/http/harness.sh).
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
const HANDLER = 'browser.intake';
const PASSWORD = 'Kirjeet kirjataan selaimella 5';
const REQUESTER = 'Kaarina Kirjeenkirjoittaja';

let browser;
let page;
let t;
let number;

// The day days from today in Helsinki, YYYY-MM-DD.
function helsinkiDay(days) {
	const d = new Date(Date.now() + days * 86400000);
	return d.toLocaleDateString('sv-SE', { timeZone: 'Europe/Helsinki' });
}

// send(button, expectStatus): submit a form with its button, wait for the answer.
async function send(button, expectStatus) {
	const before = t.documents.length;
	if (expectStatus >= 400)
		t.expected.add(new URL(await button.evaluate((b) => b.form.action)).href);
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
	assert.ok(t.documents.length > before, 'sending the form loaded no document');
	const resp = lastDocument(t);
	assert.equal(resp.status(), expectStatus, `${resp.url()} answered ${resp.status()}`);
	return resp;
}

// Fill the intake form: a letter received on day, for access, with a postal address.
async function fillLetter(day) {
	await page.getByRole('radio', { name: 'Kirje' }).check();
	await page.getByLabel('Saapumispäivä').fill(day);
	await page.getByRole('checkbox', { name: 'Tarkastus: mitä tietoja minusta on' }).check();
	await page.getByLabel('Nimi', { exact: false }).fill(REQUESTER);
	await page.getByLabel('Postiosoite', { exact: true }).fill('Kirjekatu 5, 00100 Helsinki');
}

describe('manual intake in Chromium', () => {
	before(async () => {
		assert.ok(CLI, 'REKISTERI_CLI is not set: run me through tests/http/harness.sh');
		execFileSync(CLI, ['user', 'add', HANDLER, '--role', 'handler', '--nda', yesterday(),
		    '--name', 'Selain Kirjaaja', '--password-stdin'], { input: `${PASSWORD}\n` });
		browser = await launch();
		page = await browser.context.newPage();
		t = track(page);
	});
	after(async () => {
		await browser?.close();
	});

	it('the handler opens the intake form from the queue', async () => {
		await page.goto(`${BASE_URL}/intranet/login`, { waitUntil: 'load' });
		await page.getByLabel('Käyttäjätunnus').fill(HANDLER);
		await page.getByLabel('Salasana').fill(PASSWORD);
		await Promise.all([page.waitForURL(`${BASE_URL}/intranet/`, { waitUntil: 'load' }),
			page.getByRole('button', { name: 'Kirjaudu' }).click()]);
		await page.goto(`${BASE_URL}/intranet/requests`, { waitUntil: 'load' });
		await Promise.all([page.waitForURL(`${BASE_URL}/intranet/request/new`, { waitUntil: 'load' }),
			page.getByRole('link', { name: /Kirjaa kirjeellä/ }).click()]);
		assert.equal((await page.locator('h1').innerText()).trim(), 'Kirjaa saapunut pyyntö');
		// today is offered, nothing later can be picked
		assert.equal(await page.getByLabel('Saapumispäivä').inputValue(), helsinkiDay(0));
		assert.equal(await page.getByLabel('Saapumispäivä').getAttribute('max'), helsinkiDay(0));
		await checkShown(page, t, 'intake-form');
	});

	it('a day in the future is refused beside the field; nothing is stored', async () => {
		await fillLetter(helsinkiDay(2));
		await send(page.getByRole('button', { name: 'Kirjaa pyyntö' }), 422);
		const summary = page.locator('#error-summary');
		assert.match(await summary.innerText(), /Saapumispäivä ei voi olla tulevaisuudessa\./);
		assert.match(await summary.innerText(), /Mitään ei tallennettu\./);
		assert.equal(await page.locator('#received').getAttribute('aria-invalid'), 'true');
		// the typed values stay
		assert.equal(await page.getByLabel('Nimi', { exact: false }).inputValue(), REQUESTER);
		assert.ok(await page.getByRole('radio', { name: 'Kirje' }).isChecked());
		await checkShown(page, t, 'intake-form-refused');
	});

	it('a letter received ten days ago is registered with its channel', async () => {
		await page.getByLabel('Saapumispäivä').fill(helsinkiDay(-10));
		await send(page.getByRole('button', { name: 'Kirjaa pyyntö' }), 200);
		assert.match(page.url(), /\/intranet\/request\?id=\d+(&done=\w+)?$/);
		number = (await page.locator('h1').innerText()).replace(/\s+/g, ' ').trim().replace(/^Pyyntö /, '');
		assert.match(number, /^TS-\d{4}-\d{6}$/);
		const facts = (await page.locator('dl.facts').innerText()).replace(/\s+/g, ' ');
		assert.ok(facts.includes('Saapumistapa Kirje'), facts);
		assert.ok(facts.includes(REQUESTER), facts);
		assert.match(await page.locator('ol.steps').innerText(), /Kirjattu/);
		await checkShown(page, t, 'intake-registered');
	});

	it('its ticket prints from the staff view on one A4 page', async () => {
		await Promise.all([page.waitForURL(/\/intranet\/request\/ticket\?id=\d+&lang=fi$/, { waitUntil: 'load' }),
			page.getByRole('link', { name: 'suomeksi' }).click()]);
		assert.equal((await page.locator('.ticket-number').innerText()).trim(), number);
		await checkShown(page, t, 'intake-ticket');
		const path = join(OUT_DIR, 'intake-ticket-fi.pdf');
		await page.pdf({ path, format: 'A4' });
		const pages = pdfPages(path);
		assert.equal(pages.length, 1, `the ticket prints on ${pages.length} pages`);
		assert.ok(isA4(pages[0]), `not A4: ${JSON.stringify(pages[0])}`);
		const text = pdfText(path);
		assert.ok(text.includes(number), 'the number is not in the PDF');
		assert.ok(text.includes(REQUESTER), 'the name is not in the PDF');
		// on screen the way back to the request; on paper neither it nor the site's menu
		assert.equal(await page.getByRole('link', { name: 'Takaisin pyyntöön' }).count(), 1);
		assert.ok(!text.includes('Takaisin pyyntöön'), 'the way back was printed');
		assert.ok(!text.includes('Tee tietopyyntö'), 'the site navigation was printed');
	});
});
