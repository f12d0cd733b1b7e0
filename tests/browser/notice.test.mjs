// notice.test.mjs — the public notice page, its language switch and the 404
// page in headless Chromium, as a visitor would use them. Every page
// visited gets the same checks (see checkedPage): what it loads, axe-core's
// WCAG 2.1 A/AA rules, well-formed XML, valid HTML, a screenshot, no cookie.
//
// Run through tests/browser/run.sh (see README.md); needs REKISTERI_BASE_URL.
// declared-tests: 34

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// The section titles of a notice text file: titled lines after the four header lines.
function seedTitles(file) {
	return readFileSync(file, 'utf8').split('\n')
	    .filter((l) => l.indexOf('\t') > 0)
	    .map((l) => l.slice(0, l.indexOf('\t')).trim())
	    .slice(4);
}
import { after, before, describe, it } from 'node:test';

import {
	BASE_URL, OUT_DIR, foreignRequests, formatAxe, htmlProblems, lastDocument,
	launch, runAxe, screenshot, track, xmlWellFormed,
} from './lib.mjs';

let browser;

// open(path, { expectStatus }): a new page at BASE_URL + path, tracked.
async function open(path, { expectStatus = 200 } = {}) {
	const page = await browser.context.newPage();
	const t = track(page);
	const url = BASE_URL + path;
	if (expectStatus >= 400)
		t.expected.add(url);
	const resp = await page.goto(url, { waitUntil: 'load' });
	assert.ok(resp, `no response for ${url}`);
	return { page, t };
}

// follow(s, name, { expectStatus }): click the link whose accessible name is
// `name` on the page in s and wait for the next document to load.
async function follow(s, name, { expectStatus = 200 } = {}) {
	const link = s.page.getByRole('link', { name, exact: true });
	const href = await link.getAttribute('href');
	const url = new URL(href, s.page.url()).href;
	if (expectStatus >= 400)
		s.t.expected.add(url);
	const before = s.t.documents.length;
	await Promise.all([
		s.page.waitForURL(url, { waitUntil: 'load' }),
		link.click(),
	]);
	assert.ok(s.t.documents.length > before, `clicking "${name}" loaded no document`);
	return s;
}

// checkedPage(title, shot, load, expect): a group of tests for one page
// state. load() returns { page, t } with the page loaded; expect holds the
// path, status, language, <title> and <h1> it must have.
function checkedPage(title, shot, load, expect) {
	describe(title, () => {
		const s = {};

		before(async () => {
			Object.assign(s, await load());
			s.resp = lastDocument(s.t);
			s.body = (await s.resp.body()).toString('utf8');
		});
		after(async () => {
			await s.page?.close();
		});

		it(`answers ${expect.status} at ${expect.path} in language "${expect.lang}"`, async () => {
			assert.equal(s.page.url(), BASE_URL + expect.path);
			assert.equal(s.resp.status(), expect.status);
			assert.equal(s.resp.headers()['content-type'], 'text/html; charset=utf-8');
			assert.equal(await s.page.getAttribute('html', 'lang'), expect.lang);
			assert.equal(await s.page.title(), expect.title);
			assert.equal((await s.page.locator('h1').innerText()).trim(), expect.h1);
		});

		it('loads its stylesheet, with no console error, failed request or other origin', async () => {
			const css = `${BASE_URL}/static/rekisteri.css`;
			assert.ok(s.t.requests.includes(css), `the page did not ask for ${css}`);
			// the rules of rekisteri.css are in force
			const style = await s.page.evaluate(() => {
				const skip = getComputedStyle(document.querySelector('a.skip'));
				const header = getComputedStyle(document.querySelector('header.site'));
				return { skip: skip.position, header: header.display };
			});
			assert.deepEqual(style, { skip: 'absolute', header: 'flex' }, 'rekisteri.css is not applied');
			assert.deepEqual(foreignRequests(s.t), [], `requests to origins other than ${BASE_URL}`);
			assert.deepEqual(s.t.problems, [], `problems while loading:\n${s.t.problems.join('\n')}`);
		});

		it('has no axe-core violations of WCAG 2.0/2.1 A and AA', async () => {
			const v = await runAxe(s.page);
			assert.equal(v.length, 0, `axe-core found:\n${formatAxe(v)}`);
		});

		it('is well-formed XML (xmllint)', () => {
			const err = xmlWellFormed(s.body);
			assert.equal(err, null, `not well-formed XML:\n${err}`);
			assert.match(s.body, /^<!DOCTYPE html>\s*<html xmlns="http:\/\/www\.w3\.org\/1999\/xhtml"/);
		});

		it('is valid HTML (html-validate, tests/browser/.htmlvalidate.json)', async () => {
			const p = await htmlProblems(s.body, shot);
			assert.deepEqual(p, [], `html-validate found:\n${p.join('\n')}`);
		});

		it(`sets no cookie; full-page screenshot ${shot}.png`, async () => {
			const setCookie = (await s.resp.headersArray()).filter((h) => h.name.toLowerCase() === 'set-cookie');
			assert.deepEqual(setCookie, [], 'the page sent Set-Cookie');
			assert.deepEqual(await browser.context.cookies(), [], 'the browser holds cookies');
			const path = await screenshot(s.page, shot);
			assert.ok(statSync(path).size > 1000, `${path} is empty`);
		});
	});
}

describe('public pages in Chromium', () => {
	before(async () => {
		browser = await launch();
	});
	after(async () => {
		await browser?.close();
	});

	checkedPage('notice, Finnish by default', 'notice-fi',
	    () => open('/notice'),
	    { path: '/notice', status: 200, lang: 'fi', title: 'Asiakasrekisteri - tietosuojaseloste', h1: 'Asiakasrekisteri - tietosuojaseloste' });

	checkedPage('notice, English through the "In English" link', 'notice-en',
	    async () => follow(await open('/notice'), 'In English'),
	    { path: '/notice?lang=en', status: 200, lang: 'en', title: 'Customer register - privacy notice', h1: 'Customer register - privacy notice' });

	checkedPage('notice, back to Finnish through the "Suomeksi" link', 'notice-fi-again',
	    async () => follow(await follow(await open('/notice'), 'In English'), 'Suomeksi'),
	    { path: '/notice?lang=fi', status: 200, lang: 'fi', title: 'Asiakasrekisteri - tietosuojaseloste', h1: 'Asiakasrekisteri - tietosuojaseloste' });

	checkedPage('404 page, Finnish', '404-fi',
	    () => open('/notice/ei-ole', { expectStatus: 404 }),
	    { path: '/notice/ei-ole', status: 404, lang: 'fi', title: 'Sivua ei löydy', h1: 'Sivua ei löydy' });

	checkedPage('404 page, English through its "In English" link', '404-en',
	    async () => follow(await open('/notice/ei-ole', { expectStatus: 404 }), 'In English', { expectStatus: 404 }),
	    { path: '/notice/ei-ole?lang=en', status: 404, lang: 'en', title: 'Page not found', h1: 'Page not found' });

	describe('favicon', () => {
		// Every browser asks for the page's icon, /favicon.ico when the page
		// names none; a 404 there is a failed request and a console error on
		// the first page of every visit (track() leaves it to this test).
		it('the icon the browser asks for exists', async () => {
			const s = await open('/notice');
			try {
				const href = await s.page.evaluate(() =>
				    document.querySelector('link[rel~="icon"]')?.href ?? null);
				const url = href ?? `${BASE_URL}/favicon.ico`;
				if (url.startsWith('data:')) {
					// an icon in the page itself: it must be a data URL a
					// browser takes (the empty "data:," says "no icon,
					// do not ask"), and nothing is asked of the server
					// (read here: the page's CSP rightly forbids fetch())
					const r = await fetch(url).then((resp) => ({ ok: resp.ok, why: resp.status }),
					    (e) => ({ ok: false, why: e.message }));
					assert.ok(r.ok, `the page's icon ${url.slice(0, 40)} does not load: ${r.why}`);
					assert.ok(url === 'data:,' || /^data:image\//.test(url),
					    `the page's icon is neither empty nor an image: ${url.slice(0, 40)}`);
					assert.ok(!s.t.requests.some((u) => new URL(u).pathname === '/favicon.ico'),
					    'the browser asked for /favicon.ico although the page names its icon');
				} else {
					const r = await browser.context.request.get(url);
					assert.ok(r.ok(), `${url} answers ${r.status()}: the pages name no icon ` +
					    '(<link rel="icon" .../>), so browsers ask for /favicon.ico');
				}
			} finally {
				await s.page.close();
			}
		});
	});

	describe('404 page, its way back', () => {
		it('"Etusivulle" leads to the notice', async () => {
			const s = await open('/notice/ei-ole', { expectStatus: 404 });
			try {
				await follow(s, 'Etusivulle');
				assert.equal(s.page.url(), `${BASE_URL}/notice`);
				assert.equal(lastDocument(s.t).status(), 200);
				assert.deepEqual(s.t.problems, [], s.t.problems.join('\n'));
			} finally {
				await s.page.close();
			}
		});
	});

	describe('keyboard', () => {
		it('the first Tab focuses the visible "skip to content" link; Enter goes to the content', async () => {
			const s = await open('/notice');
			try {
				const skip = s.page.locator('a.skip');
				const viewport = s.page.viewportSize();
				const hidden = await skip.boundingBox();
				assert.ok(hidden && hidden.x + hidden.width <= 0,
				    `the skip link should be off-screen before focus: ${JSON.stringify(hidden)}`);

				await s.page.keyboard.press('Tab');
				const focused = await s.page.evaluate(() => {
					const a = document.activeElement;
					const cs = getComputedStyle(a);
					return {
						skip: a.matches('a.skip'),
						text: a.textContent.trim(),
						href: a.getAttribute('href'),
						outline: cs.outlineStyle,
					};
				});
				assert.deepEqual(focused, { skip: true, text: 'Siirry sisältöön', href: '#main', outline: 'solid' });
				const box = await skip.boundingBox();
				assert.ok(box && box.width > 0 && box.height > 0 && box.x >= 0 && box.y >= 0 &&
				    box.x + box.width <= viewport.width && box.y + box.height <= viewport.height,
				    `the focused skip link is not inside the viewport: ${JSON.stringify(box)}`);
				// checked in this state too: the focused link's contrast and the rest
				const v = await runAxe(s.page);
				assert.equal(v.length, 0, `axe-core found:\n${formatAxe(v)}`);
				await screenshot(s.page, 'notice-skip-focused');

				await s.page.keyboard.press('Enter');
				await s.page.waitForURL(`${BASE_URL}/notice#main`);
				assert.deepEqual(s.t.problems, [], s.t.problems.join('\n'));
			} finally {
				await s.page.close();
			}
		});
	});

	describe('print', () => {
		it('prints the notice to an A4 PDF', async () => {
			const s = await open('/notice');
			try {
				const path = join(OUT_DIR, 'notice-fi.pdf');
				await s.page.pdf({ path, format: 'A4', printBackground: true, preferCSSPageSize: true });
				const pdf = readFileSync(path);
				assert.ok(pdf.length > 1000, `${path} is only ${pdf.length} bytes`);
				assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
				// every section title of the company's notice is on paper, and
				// every sheet carries the version and date (poppler-utils)
				const txt = spawnSync('pdftotext', [path, '-'], { encoding: 'utf8' });
				assert.ifError(txt.error);
				assert.equal(txt.status, 0, txt.stderr);
				const flat = txt.stdout.replace(/\s+/g, ' ');
				const titles = seedTitles('data/notice/fi.txt');
				assert.equal(titles.length, 21, 'the company notice has 21 sections');
				for (const title of titles) {
					assert.ok(flat.includes(title.replace(/\s+/g, ' ')),
					    `section "${title}" is not in the PDF`);
				}
				const sheets = txt.stdout.split('\f').filter((p) => p.trim() !== '');
				assert.ok(sheets.length >= 3, `only ${sheets.length} pages`);
				for (const [i, sheet] of sheets.entries()) {
					assert.match(sheet.replace(/\s+/g, ' '), /versio \d+ · \d+\.\d+\.\d{4}/,
					    `page ${i + 1} has no version and date`);
				}
				// navigation is not printed
				assert.ok(!flat.includes('Sisällys'), 'the table of contents was printed');
				// and how print media looks
				await s.page.emulateMedia({ media: 'print' });
				await screenshot(s.page, 'notice-fi-print');
				assert.deepEqual(s.t.problems, [], s.t.problems.join('\n'));
			} finally {
				await s.page.close();
			}
		});
	});
});
