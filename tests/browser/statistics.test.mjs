// statistics.test.mjs — /intranet/statistics in Chromium as an auditor
// uses it: reached from the menu, every chart an image with a name whose
// description is its table, the year chosen with the keyboard in the GET
// form, and the page printed to A4 (the tables and charts in the PDF, no
// menu, no form). Every page: axe-core at WCAG 2.1 AA, well-formed XML,
// valid HTML, nothing from other origins, a screenshot.
//
// Run through tests/browser/run.sh (see README.md); needs REKISTERI_BASE_URL
// and REKISTERI_CLI (tests/http/harness.sh).
// declared-tests: 3

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	BASE_URL, OUT_DIR, checkShown, isA4, lastDocument, launch, pdfPages, pdfText, track,
	yesterday,
} from './lib.mjs';

const CLI = process.env.REKISTERI_CLI;
const AUDITOR = 'browser.auditor';
const PASSWORD = 'Tilastot selaimessa ja paperilla 5';
const TABLES = ['received', 'days', 'deadline', 'refusals', 'extensions', 'customers'];

let browser;
let page;
let t;

// go(url, action): do action and wait until url has loaded.
async function go(url, action) {
	const n = t.documents.length;
	await Promise.all([page.waitForURL(url, { waitUntil: 'load' }), action()]);
	assert.ok(t.documents.length > n, `no document loaded for ${url}`);
	return lastDocument(t);
}

describe('statistics in Chromium', () => {
	before(async () => {
		assert.ok(CLI, 'REKISTERI_CLI is not set: run me through tests/http/harness.sh');
		execFileSync(CLI, ['user', 'add', AUDITOR, '--role', 'auditor', '--nda', yesterday(),
		    '--name', 'Selain Tarkastaja', '--password-stdin'], { input: `${PASSWORD}\n` });
		execFileSync(CLI, ['customer', 'demo', '30']);
		browser = await launch();
		page = await browser.context.newPage();
		t = track(page);
	});
	after(async () => {
		await browser?.close();
	});

	it('an auditor opens Tilastot from the menu: six tables, each with its chart', async () => {
		await page.goto(`${BASE_URL}/intranet/login`, { waitUntil: 'load' });
		await page.getByLabel('Käyttäjätunnus').fill(AUDITOR);
		await page.getByLabel('Salasana').fill(PASSWORD);
		await go(`${BASE_URL}/intranet/`, () => page.getByRole('button', { name: 'Kirjaudu' }).click());
		await go(`${BASE_URL}/intranet/statistics`, () => page
		    .getByRole('navigation', { name: 'Henkilöstön valikko' })
		    .getByRole('link', { name: 'Tilastot', exact: true }).click());
		assert.equal(lastDocument(t).status(), 200);
		assert.equal((await page.locator('h1').innerText()).trim(), 'Tilastot');
		for (const name of TABLES) {
			const chart = page.locator(`svg[aria-describedby="table-${name}"]`);
			assert.equal(await chart.count(), 1, `no chart for ${name}`);
			assert.equal(await chart.getAttribute('role'), 'img');
			// the image's name is its title; its description the table
			const title = await page.locator(`#chart-${name}-title`).textContent();
			assert.ok(title.trim().length > 0, `${name}: an empty title`);
			assert.equal(await page.getByRole('img', { name: title.trim() }).count(), 1);
			const table = page.locator(`table#table-${name}`);
			assert.equal(await table.count(), 1);
			assert.equal(await table.locator('thead th').count(), 13);
			assert.ok(await page.locator(`a[href$="table=${name}"]`).count() === 1, `${name}: no CSV link`);
		}
		// the demo customers are on the page: the year's total is a number
		const added = page.locator('#table-customers tbody tr').first().locator('td').last();
		assert.match((await added.innerText()).trim(), /^\d+$/);
		await checkShown(page, t, 'statistics');
	});

	it('another year is chosen with the keyboard in the GET form', async () => {
		const select = page.getByLabel('Vuosi', { exact: true });
		const options = await select.locator('option').allTextContents();
		assert.ok(options.length >= 1);
		const current = await select.inputValue();
		await select.focus();
		await page.keyboard.press(options.length > 1 ? 'ArrowDown' : 'Home');
		const chosen = await select.inputValue();
		if (options.length > 1)
			assert.notEqual(chosen, current);
		await page.keyboard.press('Tab');
		assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Näytä');
		await go(`${BASE_URL}/intranet/statistics?year=${chosen}`, () => page.keyboard.press('Enter'));
		assert.equal(lastDocument(t).status(), 200);
		assert.equal(await page.getByLabel('Vuosi', { exact: true }).inputValue(), chosen);
		assert.ok((await page.locator('#table-received caption').innerText()).includes(chosen));
		await checkShown(page, t, 'statistics-year');
	});

	it('printed to A4: the tables and charts, without the menu or the form', async () => {
		await page.emulateMedia({ media: 'print' });
		assert.equal(await page.locator('form.stats-year').isVisible(), false, 'the year form prints');
		assert.equal(await page.locator('p.csv').first().isVisible(), false, 'the CSV links print');
		assert.equal(await page.locator('.stats-print-year').isVisible(), true, 'the year does not print');
		assert.equal(await page.locator('svg.chart').first().isVisible(), true);
		await page.screenshot({ path: join(OUT_DIR, 'statistics-print.png'), fullPage: true });
		const path = join(OUT_DIR, 'statistics.pdf');
		await page.emulateMedia({ media: null });	// page.pdf prints with print media
		await page.pdf({ path, format: 'A4' });
		const pages = pdfPages(path);
		assert.ok(pages.length >= 1 && pages.every(isA4), JSON.stringify(pages));
		const text = pdfText(path).replace(/\s+/g, ' ');
		for (const want of ['Tilastot', 'Saapuneet pyynnöt tyypeittäin', 'Vastausaika päivinä',
		    'Vastattu määräajassa', 'Kieltäytymiset', 'Lisätyt asiakkaat', 'Mediaani, päivää',
		    '90 %:n persentiili, päivää', 'tammi', 'joulu'])
			assert.ok(text.includes(want), `the PDF lacks "${want}"`);
		for (const absent of ['Henkilöstön valikko', 'Lataa CSV', 'Näytä', 'Kirjaudu ulos'])
			assert.ok(!text.includes(absent), `the PDF has "${absent}"`);
	});
});
