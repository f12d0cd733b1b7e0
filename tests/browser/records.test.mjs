// records.test.mjs — the controller's own records (#16) in Chromium: the
// notice editor listing the corrected draft's problems with their reasons
// and the proposal; the record of processing activities (Art. 30) on screen
// and printed to A4; a breach recorded with the form, its 72-hour clock on
// the front page, and a correction refused until it says what it changes.
// Every page: axe-core at WCAG 2.1 AA, well-formed XML, valid HTML, nothing
// from other origins, a screenshot.
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
const ADMIN = 'browser.records';
const PASSWORD = 'Rekisterinpitäjän kirjat selaimessa 16';

let browser;
let page;
let t;

// hoursAgo(h): that time in Helsinki as a datetime-local value, "YYYY-MM-DDTHH:MM".
function hoursAgo(h) {
	const d = new Date(Date.now() - h * 3600 * 1000);
	return new Intl.DateTimeFormat('sv-SE', {
		timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit',
		hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
	}).format(d).replace(' ', 'T');
}

// go(url, action): do action and wait until url has loaded.
async function go(url, action) {
	const before = t.documents.length;
	await Promise.all([page.waitForURL(url, { waitUntil: 'load' }), action()]);
	assert.ok(t.documents.length > before, `no document loaded for ${url}`);
	return lastDocument(t);
}

// send(button, expectStatus): submit a form with its button, wait for the answer.
async function send(button, expectStatus = 200) {
	const before = t.documents.length;
	if (expectStatus >= 400)
		t.expected.add(new URL(await button.evaluate((b) => b.form.action)).href);
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
	assert.ok(t.documents.length > before, 'sending the form loaded no document');
	const resp = lastDocument(t);
	assert.equal(resp.status(), expectStatus, `${resp.url()} answered ${resp.status()}`);
	return resp;
}

describe('the controller\'s records in Chromium', () => {
	before(async () => {
		assert.ok(CLI, 'REKISTERI_CLI is not set: run me through tests/http/harness.sh');
		execFileSync(CLI, ['user', 'add', ADMIN, '--role', 'admin', '--nda', yesterday(),
		    '--name', 'Selain Rekisterinpitäjä', '--password-stdin'], { input: `${PASSWORD}\n` });
		execFileSync(CLI, ['notice', 'import', 'data/notice/draft.fi.txt', '--lang', 'fi']);
		execFileSync(CLI, ['notice', 'import', 'data/notice/draft.en.txt', '--lang', 'en']);
		browser = await launch();
		page = await browser.context.newPage();
		t = track(page);
		await page.goto(`${BASE_URL}/intranet/login`, { waitUntil: 'load' });
		await page.getByLabel('Käyttäjätunnus').fill(ADMIN);
		await page.getByLabel('Salasana').fill(PASSWORD);
		await go(`${BASE_URL}/intranet/`, () => page.getByRole('button', { name: 'Kirjaudu' }).click());
	});
	after(async () => {
		await browser?.close();
		execFileSync(CLI, ['notice', 'discard']);
	});

	it('the notice editor lists the draft\'s problems, each with its reason', async () => {
		await page.goto(`${BASE_URL}/intranet/notice`, { waitUntil: 'load' });
		const items = page.locator('ol.problem-list > li');
		assert.equal(await items.count(), 4);
		const text = await page.locator('section.problems').innerText();
		assert.match(text, /Kohta on tyhjä\./);
		assert.match(text, /GDPR 13 art\. 2 e/);
		assert.ok(await page.getByRole('button', { name: 'Hyväksy ehdotus' }).first().isVisible());
		assert.ok(await page.getByLabel('Julkaisen tietoisena yllä luetelluista ongelmista').isVisible());
		await checkShown(page, t, 'records-editor');
	});

	it('the record of processing activities, on screen and on A4', async () => {
		await page.goto(`${BASE_URL}/intranet/processing`, { waitUntil: 'load' });
		assert.equal((await page.locator('h1').innerText()).trim(), 'Seloste käsittelytoimista');
		assert.equal(await page.locator('section.activity').count(), 5);
		await checkShown(page, t, 'records-processing');
		const path = join(OUT_DIR, 'processing-fi.pdf');
		await page.pdf({ path, format: 'A4', printBackground: true, preferCSSPageSize: true });
		const pages = pdfPages(path);
		assert.ok(pages.length >= 1);
		for (const p of pages)
			assert.ok(isA4(p), `a sheet of ${p.width} x ${p.height} pt is not A4`);
		const txt = pdfText(path).replace(/\s+/g, ' ');
		assert.match(txt, /Kirjanpitolaki 1336\/1997/);
		assert.match(txt, /Ei siirtoja EU:n tai ETA:n ulkopuolelle/);
		assert.doesNotMatch(txt, /JSON-muodossa/, 'the JSON link is printed');
	});

	it('an admin records a breach with the form', async () => {
		await page.goto(`${BASE_URL}/intranet/breaches`, { waitUntil: 'load' });
		await checkShown(page, t, 'records-breaches-empty');
		await page.getByLabel('Milloin loukkaus tapahtui').fill(hoursAgo(3));
		await page.getByLabel('Milloin siitä saatiin tieto').fill(hoursAgo(1));
		await page.getByLabel('Mitä tapahtui').fill('Asiakasluettelo lähti väärälle vastaanottajalle.');
		await page.getByLabel('Henkilöitä noin').fill('40');
		await go(/\/intranet\/breach\?id=\d+&saved=1$/,
		    () => page.getByRole('button', { name: 'Tallenna merkintä' }).click());
		assert.match(await page.getByRole('status').innerText(), /Merkintä tallennettu/);
		assert.match(await page.locator('p.running').innerText(), /jäljellä/);
		await checkShown(page, t, 'records-breach');
	});

	it('the front page shows the 72-hour clock', async () => {
		await page.goto(`${BASE_URL}/intranet/`, { waitUntil: 'load' });
		const clock = page.locator('section.breach-clocks li.running');
		assert.equal(await clock.count(), 1);
		assert.match(await clock.innerText(), /\b70 h \d\d min jäljellä|\b71 h 00 min jäljellä/);
		await checkShown(page, t, 'records-home-clock');
	});

	it('a correction is refused until it says what it changes', async () => {
		await page.locator('section.breach-clocks a').click();
		await page.waitForLoadState('load');
		await page.getByLabel('Henkilöitä noin').fill('45');
		await send(page.getByRole('button', { name: 'Tallenna merkintä' }), 400);
		assert.match(await page.getByRole('alert').innerText(), /mitä tämä merkintä muuttaa/);
		await checkShown(page, t, 'records-breach-refused');
		await page.getByLabel(/Mitä tämä merkintä muuttaa ja miksi/).fill('Laskettu uudelleen: 45.');
		await go(/\/intranet\/breach\?id=\d+&saved=1$/,
		    () => page.getByRole('button', { name: 'Tallenna merkintä' }).click());
		assert.match(await page.locator('table.history').innerText(), /Laskettu uudelleen: 45\./);
	});
});
