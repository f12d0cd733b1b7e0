// intranet.test.mjs — a staff member in Chromium: sign in with the keyboard
// and mouse as a person would, see the front page, the audit log and (as
// an admin) the users page, sign out; the front page lists a mail that
// failed for good. Every page: axe-core at WCAG 2.1 AA,
// well-formed XML, valid HTML, nothing from other origins, a screenshot.
// declared-tests: 6
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import {
	BASE_URL, foreignRequests, formatAxe, htmlProblems, lastDocument, launch,
	runAxe, screenshot, track, xmlWellFormed, yesterday,
} from './lib.mjs';

const CLI = process.env.REKISTERI_CLI;
const PASSWORD = 'Selain testaa kirjautumista 7';
const USER = 'browser.admin';

let browser;
let page;
let t;

// check(name): the accessibility, markup and origin checks on the page now shown.
async function check(name) {
	const resp = lastDocument(t);
	const body = (await resp.body()).toString('utf8');
	assert.equal(xmlWellFormed(body), null, `${name}: not well-formed XML`);
	const html = await htmlProblems(body, name);
	assert.deepEqual(html, [], `${name}: html-validate found:\n${html.join('\n')}`);
	const v = await runAxe(page);
	assert.equal(v.length, 0, `${name}: axe-core found:\n${formatAxe(v)}`);
	assert.deepEqual(foreignRequests(t), [], `${name}: requests to other origins`);
	assert.deepEqual(t.problems, [], `${name}: ${t.problems.join('\n')}`);
	await screenshot(page, name);
}

describe('staff intranet in Chromium', () => {
	before(async () => {
		assert.ok(CLI, 'REKISTERI_CLI is not set: run me through tests/http/harness.sh');
		execFileSync(CLI, ['user', 'add', USER, '--role', 'admin', '--nda', yesterday(),
		    '--name', 'Selain Testaaja', '--password-stdin'], { input: `${PASSWORD}\n` });
		// a summary mail the outbox gave up on, for the front page's list (#12)
		execFileSync('sqlite3', [`${process.env.REKISTERI_STATE}/rekisteri.db`,
		    "INSERT INTO outbox (to_addr, subject, body, ref_kind, created, state,"
		    + " attempts, last_try, last_error) VALUES ('', 'S', '', 'digest',"
		    + " '2026-12-01T05:00:00Z', 'failed', 11, '2026-12-04T05:00:00Z',"
		    + " 'sendmail')"]);
		browser = await launch();
		page = await browser.context.newPage();
		t = track(page);
	});
	after(async () => {
		await browser?.close();
	});

	it('the sign-in page', async () => {
		await page.goto(`${BASE_URL}/intranet/`);
		// not signed in: sent to the sign-in page
		assert.match(page.url(), /\/intranet\/login\?expired=1$/);
		assert.equal((await page.locator('h1').innerText()).trim(), 'Kirjaudu sisään');
		await check('intranet-login');
	});

	it('a wrong password gets one plain message', async () => {
		await page.getByLabel('Käyttäjätunnus').fill(USER);
		await page.getByLabel('Salasana').fill('not the password at all');
		await page.getByRole('button', { name: 'Kirjaudu' }).click();
		await page.waitForLoadState('load');
		await assert.doesNotReject(page.getByRole('alert').waitFor());
		assert.match(await page.getByRole('alert').innerText(), /Käyttäjätunnus tai salasana on väärin/);
		// what was typed stays in the form, the password does not
		assert.equal(await page.getByLabel('Käyttäjätunnus').inputValue(), USER);
		assert.equal(await page.getByLabel('Salasana').inputValue(), '');
		await check('intranet-login-failed');
	});

	it('signs in and shows the front page for the role', async () => {
		await page.getByLabel('Salasana').fill(PASSWORD);
		await page.keyboard.press('Enter');
		await page.waitForURL(`${BASE_URL}/intranet/`);
		assert.match(await page.locator('h1').innerText(), /Selain Testaaja/);
		assert.match(await page.locator('#mail').innerText(), /Epäonnistui lopullisesti/);
		const cookies = await browser.context.cookies();
		assert.equal(cookies.length, 1);
		assert.equal(cookies[0].name, 'rekisteri_session');
		assert.equal(cookies[0].httpOnly, true);
		assert.equal(cookies[0].sameSite, 'Strict');
		assert.equal(cookies[0].path, '/intranet');
		await check('intranet-home');
	});

	it('the audit log shows the sign-ins', async () => {
		await page.getByRole('link', { name: 'Lokitiedot' }).first().click();
		await page.waitForURL(`${BASE_URL}/intranet/audit`);
		// the events in plain words (#20), their codes kept for machines
		const cells = page.locator('table.audit td[data-action]');
		const actions = await cells.evaluateAll((tds) => tds.map((td) => td.dataset.action));
		const words = (await cells.allInnerTexts()).map((w) => w.trim());
		assert.ok(actions.includes('login'), `no login row in ${actions}`);
		assert.ok(actions.includes('login.fail'), `no login.fail row in ${actions}`);
		assert.ok(words.includes('Kirjautui sisään'), `no sign-in in words: ${words}`);
		assert.ok(words.includes('Kirjautuminen epäonnistui'), `no failed sign-in in words: ${words}`);
		assert.ok(!words.some((w) => /^[a-z_]+(\.[a-z_]+)+$/.test(w)), `a code shown: ${words}`);
		await check('intranet-audit');
	});

	it('the users page, and a new user with a one-time password', async () => {
		await page.getByRole('link', { name: 'Käyttäjät' }).first().click();
		await page.waitForURL(`${BASE_URL}/intranet/users`);
		await check('intranet-users');
		await page.getByLabel('Käyttäjätunnus').fill('uusi.kasittelija');
		await page.getByLabel('Nimi', { exact: true }).fill('Uusi Käsittelijä');
		await page.locator('#u-nda').fill(yesterday());
		await page.getByRole('button', { name: 'Lisää käyttäjä' }).click();
		await page.waitForLoadState('load');
		const otp = await page.locator('code.otp').innerText();
		assert.match(otp, /^[A-Za-z2-9]{20}$/);
		await check('intranet-user-added');
	});

	it('signs out', async () => {
		await page.getByRole('button', { name: /Kirjaudu ulos/ }).click();
		await page.waitForURL(/\/intranet\/login\?bye=1$/);
		assert.deepEqual(await browser.context.cookies(), []);
		await page.goto(`${BASE_URL}/intranet/audit`);
		assert.match(page.url(), /\/intranet\/login/);
	});
});
