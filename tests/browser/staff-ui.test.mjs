// staff-ui.test.mjs — how every staff page fits and speaks (issue #20,
// "Layout and reflow" and "Feedback"), in Chromium as an admin:
//
// - reflow: the main staff pages (front page, customer search with results,
//   a customer record, its edit form, a request with its long signed ticket
//   code, the audit log, users, the notice editor, statistics,
//   the record of processing, breaches, retention, labels, import,
//   manual intake) are never wider than the
//   viewport (document.documentElement.scrollWidth <= innerWidth) at 1366 px
//   and at 400 px; at 400 px each also passes checkShown (axe, XML,
//   html-validate, nothing foreign, screenshot staff-ui-400-NAME.png);
// - at 400 px the menu wraps and sign-out stays inside the viewport;
// - a wide table scrolls in its own labelled, focusable region;
// - a failed edit form marks the field aria-invalid="true" and its error
//   summary, linking to the field, has focus;
// - a postal code "abc" in the customer search: a message beside the
//   field in the intranet layout (400), not the public error page;
// - after a save, a ban and a discarded notice draft the page says what
//   happened in a role="status" box (and a discarded draft never says
//   "Tallennettu"); a ?done= key that is not one of ours shows nothing.
//
// Run through tests/browser/run.sh (see README.md); needs REKISTERI_BASE_URL
// and REKISTERI_CLI (tests/http/harness.sh).
// declared-tests: 8

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import { BASE_URL, checkShown, lastDocument, launch, screenshot, track, yesterday } from './lib.mjs';

const CLI = process.env.REKISTERI_CLI;
const ADMIN = 'browser.ui20';
const OTHER = 'browser.ui20.other';
const PASSWORD = 'Asettelu testaa selaimella 20';

let browser;
let page;
let t;
let pages;	// [name, path] walked at both widths, filled by the first test

// go(url, action): do action and wait until url has loaded.
async function go(url, action) {
	const before = t.documents.length;
	await Promise.all([page.waitForURL(url, { waitUntil: 'load' }), action()]);
	assert.ok(t.documents.length > before, `no document loaded for ${url}`);
	return lastDocument(t);
}

// send(button, status): submit a form with its button, wait for the answer.
async function send(button, status = 200) {
	const before = t.documents.length;
	if (status >= 400)
		t.expected.add(new URL(await button.evaluate((b) => b.form.action)).href);
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
	assert.ok(t.documents.length > before, 'sending the form loaded no document');
	const resp = lastDocument(t);
	assert.equal(resp.status(), status, `${resp.url()} answered ${resp.status()}`);
	return resp;
}

// How much wider than the viewport the page is (0 when it fits), and the
// widest elements that stick out, for the message.
async function overflow() {
	return page.evaluate(() => {
		const de = document.documentElement;
		const over = de.scrollWidth - window.innerWidth;
		const culprits = [];
		if (over > 0) {
			for (const el of document.querySelectorAll('body *')) {
				const r = el.getBoundingClientRect();
				if (r.right > window.innerWidth + 1 && !el.closest('.table-scroll, .skip'))
					culprits.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}` +
					    `${el.className && typeof el.className === 'string' ? `.${el.className.trim().replace(/\s+/g, '.')}` : ''}` +
					    ` right=${Math.round(r.right)}`);
			}
		}
		return { over, width: de.scrollWidth, inner: window.innerWidth, culprits: culprits.slice(0, 8) };
	});
}

async function walk(width, check) {
	t.problems.length = 0;
	await page.setViewportSize({ width, height: 900 });
	const wide = [];
	for (const [name, path] of pages) {
		const resp = await page.goto(`${BASE_URL}${path}`, { waitUntil: 'load' });
		assert.equal(resp.status(), 200, `${path} answered ${resp.status()}`);
		const o = await overflow();
		if (o.over > 0)
			wide.push(`${name} (${path}): ${o.width} px wide in ${o.inner} px: ${o.culprits.join(', ')}`);
		if (check)
			await checkShown(page, t, `staff-ui-${width}-${name}`);
		else
			await screenshot(page, `staff-ui-${width}-${name}`);
	}
	assert.deepEqual(wide, [], `pages wider than the viewport at ${width} px:\n${wide.join('\n')}`);
}

describe('staff pages: reflow and feedback in Chromium', () => {
	before(async () => {
		assert.ok(CLI, 'REKISTERI_CLI is not set: run me through tests/http/harness.sh');
		for (const u of [ADMIN, OTHER]) {
			execFileSync(CLI, ['user', 'add', u, '--role', 'admin', '--nda', yesterday(),
			    '--name', 'Selain Asettelu', '--password-stdin'], { input: `${PASSWORD}\n` });
		}
		execFileSync(CLI, ['customer', 'demo', '30']);
		browser = await launch();
		page = await browser.context.newPage();
		t = track(page);
	});
	after(async () => {
		await browser?.close();
	});

	it('a request with a long ticket code is filed; the admin signs in', async () => {
		await page.goto(`${BASE_URL}/request`, { waitUntil: 'load' });
		await page.getByRole('checkbox', { name: 'Tarkastus: mitä tietoja minusta on' }).check();
		await page.getByLabel('Nimi', { exact: false }).fill('Aapeli Asettelija');
		await page.getByLabel('Postiosoite', { exact: true }).fill('Leveyskatu 20, 00100 Helsinki');
		await go(/\/request\/ticket\/[A-Za-z0-9_-]+$/,
		    () => page.getByRole('button', { name: 'Lähetä pyyntö' }).click());
		const number = (await page.locator('.ticket-number').innerText()).trim();
		const code = (await page.locator('code.ticket-code').innerText()).trim();
		assert.ok(code.length > 300, `the ticket code is only ${code.length} characters`);

		await page.goto(`${BASE_URL}/intranet/login`, { waitUntil: 'load' });
		await page.getByLabel('Käyttäjätunnus').fill(ADMIN);
		await page.getByLabel('Salasana').fill(PASSWORD);
		await go(`${BASE_URL}/intranet/`, () => page.getByRole('button', { name: 'Kirjaudu' }).click());

		await page.goto(`${BASE_URL}/intranet/requests`, { waitUntil: 'load' });
		const request = new URL(await page.getByRole('link', { name: number }).getAttribute('href'), BASE_URL);
		const rid = request.searchParams.get('id');
		await page.goto(`${BASE_URL}/intranet/customers?q=&sort=name`, { waitUntil: 'load' });
		const first = new URL(await page.locator('table.customers tbody a').first().getAttribute('href'), BASE_URL);
		const cid = first.searchParams.get('id');
		pages = [
			['home', '/intranet/'],
			['customers', '/intranet/customers?q=&sort=name'],
			['customer', `/intranet/customer?id=${cid}`],
			['customer-edit', `/intranet/customer/edit?id=${cid}`],
			['request', `/intranet/request?id=${rid}`],
			['requests', '/intranet/requests'],
			['audit', '/intranet/audit'],
			['users', '/intranet/users'],
			['notice', '/intranet/notice'],
			['request-new', '/intranet/request/new'],
			['statistics', '/intranet/statistics'],
			['processing', '/intranet/processing'],
			['breaches', '/intranet/breaches'],
			['retention', '/intranet/retention'],
			['labels', '/intranet/labels'],
			['import', '/intranet/import'],
		];
		// the request page holds the whole code
		await page.goto(`${BASE_URL}/intranet/request?id=${rid}`, { waitUntil: 'load' });
		assert.ok((await page.content()).includes(code), 'the request page does not show the code');
	});

	it('at 1366 px no staff page is wider than the viewport', async () => {
		await walk(1366, false);
	});

	it('at 400 px no staff page is wider than the viewport; each passes axe and html-validate', async () => {
		await walk(400, true);
	});

	it('at 400 px the menu wraps, sign-out is inside the viewport; the customers table scrolls in its own region', async () => {
		await page.setViewportSize({ width: 400, height: 900 });
		await page.goto(`${BASE_URL}/intranet/customers?q=&sort=name`, { waitUntil: 'load' });
		const out = page.getByRole('button', { name: /Kirjaudu ulos/ });
		await out.scrollIntoViewIfNeeded();
		const box = await out.boundingBox();
		assert.ok(box && box.x >= 0 && box.x + box.width <= 400, `sign-out is at ${JSON.stringify(box)}`);
		const region = page.getByRole('region', { name: 'Asiakkaat' });
		assert.equal(await region.count(), 1, 'no region named "Asiakkaat" around the table');
		const r = await region.evaluate((el) => ({
			tabindex: el.getAttribute('tabindex'),
			overflowX: getComputedStyle(el).overflowX,
			scrolls: el.scrollWidth > el.clientWidth,
		}));
		assert.deepEqual(r, { tabindex: '0', overflowX: 'auto', scrolls: true });
		// reachable by keyboard: it takes focus and scrolls with the arrow key
		await region.focus();
		await page.keyboard.press('ArrowRight');
		await page.waitForFunction(() => document.querySelector('.table-scroll').scrollLeft > 0);
		await page.setViewportSize({ width: 1366, height: 900 });
	});

	it('a failed edit form: aria-invalid on the field, the error summary focused and linking to it', async () => {
		await page.goto(`${BASE_URL}${pages[3][1]}`, { waitUntil: 'load' });
		t.problems.length = 0;
		await page.locator('#postal_code').fill('abc');
		await send(page.getByRole('button', { name: 'Tallenna' }), 400);
		assert.equal(await page.locator('#postal_code').getAttribute('aria-invalid'), 'true');
		assert.equal(await page.locator('[aria-invalid="true"]').count(), 1, 'more than the one field marked invalid');
		const summary = page.locator('#error-summary');
		assert.equal(await summary.getAttribute('role'), 'alert');
		assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary',
		    'the error summary does not have focus');
		const link = summary.locator('a[href="#postal_code"]');
		assert.equal(await link.count(), 1, 'the summary does not link to the postal code field');
		await checkShown(page, t, 'staff-ui-form-failed');
		await link.click();
		assert.equal(await page.evaluate(() => location.hash), '#postal_code');
	});

	it('a postal code "abc" in the search: a message beside the field in the intranet layout', async () => {
		await page.goto(`${BASE_URL}/intranet/customers`, { waitUntil: 'load' });
		t.problems.length = 0;
		await page.getByLabel('Postinumero alkaa').fill('abc');
		await send(page.getByRole('button', { name: 'Hae' }), 400);
		// the 400 is the point (a GET form: its URL has the query)
		t.problems.length = 0;
		assert.equal(await page.getByRole('navigation', { name: 'Henkilöstön valikko' }).count(), 1,
		    'not the intranet layout');
		const field = page.getByLabel('Postinumero alkaa');
		assert.equal(await field.inputValue(), 'abc');
		assert.equal(await field.getAttribute('aria-invalid'), 'true');
		assert.equal(await field.getAttribute('aria-describedby'), 'postal-error');
		assert.match(await page.locator('#postal-error').innerText(), /Postinumeron alussa voi olla vain numeroita/);
		assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary');
		assert.equal(await page.locator('table.customers').count(), 0, 'results shown for a refused search');
		await checkShown(page, t, 'staff-ui-search-refused');
	});

	it('after a save, a ban and a user change: a role="status" message; an unknown ?done= shows none', async () => {
		t.problems.length = 0;
		await page.goto(`${BASE_URL}${pages[3][1]}`, { waitUntil: 'load' });
		await page.locator('#city').fill('TALLENNUSLA');
		await send(page.getByRole('button', { name: 'Tallenna' }));
		assert.match(page.url(), /\/intranet\/customer\?id=\d+&done=saved$/);
		assert.equal((await page.getByRole('status').innerText()).trim(), 'Muutokset tallennettu.');
		await checkShown(page, t, 'staff-ui-saved');

		// the record's forms open on demand (#20)
		assert.equal(await page.getByRole('button', { name: 'Kirjaa kielto' }).isVisible(), false);
		await page.locator('summary', { hasText: 'Kirjaa uusi kielto' }).click();
		await send(page.getByRole('button', { name: 'Kirjaa kielto' }));
		assert.match(page.url(), /done=banned$/);
		assert.equal((await page.getByRole('status').innerText()).trim(), 'Kielto kirjattu.');

		await page.goto(`${BASE_URL}/intranet/users`, { waitUntil: 'load' });
		const row = page.locator('tr', { hasText: OTHER });
		// a destructive step asks first: the box is required (#20)
		await row.locator('form[action="/intranet/users/disable"]').getByLabel('Vahvistan').check();
		await send(row.getByRole('button', { name: 'Sulje tunnus' }));
		assert.match(page.url(), /\/intranet\/users\?done=user_disabled$/);
		assert.equal((await page.getByRole('status').innerText()).trim(), 'Käyttäjätunnus poistettu käytöstä.');

		// only our keys, never text from the URL
		await page.goto(`${BASE_URL}/intranet/users?done=Hakkeroitu`, { waitUntil: 'load' });
		assert.equal(await page.locator('p.flash').count(), 0);
		assert.ok(!(await page.content()).includes('Hakkeroitu'));
	});

	it('a discarded notice draft says so, never "Tallennettu"', async () => {
		t.problems.length = 0;
		await page.goto(`${BASE_URL}/intranet/notice`, { waitUntil: 'load' });
		await send(page.getByRole('button', { name: 'Aloita luonnos' }));
		assert.match(page.url(), /done=draft_saved$/);
		assert.equal((await page.getByRole('status').innerText()).trim(), 'Luonnos tallennettu.');
		await page.locator('form[action="/intranet/notice/discard"]').getByLabel('Vahvistan').check();
		await send(page.getByRole('button', { name: 'Hylkää luonnos' }));
		assert.match(page.url(), /\/intranet\/notice\?edit=fi&done=discarded$/);
		assert.equal((await page.getByRole('status').innerText()).trim(),
		    'Luonnos hylätty. Julkaistu seloste ei muuttunut.');
		assert.ok(!(await page.locator('main').innerText()).includes('Tallennettu'));
		await checkShown(page, t, 'staff-ui-discarded');
	});
});
