// request.test.mjs — the public data-subject request form in Chromium, as a
// requester uses it: the form in Finnish and English, filled in with the
// keyboard, a rectification without its text sent back with the message
// beside the field, a good form sent (303) to its ticket, the ticket on
// screen and printed (one A4 page with the number and the code), the code
// checked on /request/verify (and a changed one refused), and the whole
// thing once more with JavaScript turned off. Every page: axe-core at WCAG
// 2.1 AA, well-formed XML, valid HTML, nothing from other origins, no
// cookie, a screenshot.
//
// Run through tests/browser/run.sh (see README.md); needs REKISTERI_BASE_URL.
// declared-tests: 12

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	BASE_URL, ORIGIN, OUT_DIR, checkShown, foreignRequests, isA4, lastDocument,
	launch, pdfPages, pdfText, screenshot, track,
} from './lib.mjs';

const NAME = 'Maija Mallikas';
const EMAIL = 'maija.mallikas@example.invalid';
const FREE_TEXT = 'Sukunimeni on kirjoitettu väärin: oikein Mallikas, ei Malikas.';
const ADDRESS_EN = 'Testikatu 5 B 7, 00100 Helsinki';
const NAME_EN = 'John Q. Public';

const TYPES_FI = ['Tarkastus: mitä tietoja minusta on', 'Korjaus: virheellisen tiedon oikaisu'];
const RECTIFICATION_MSG = 'Kerro korjauspyynnössä, mikä tieto on väärin ja mikä on oikein.';

// The form's controls in document order: 13 types, then the seven fields.
const TYPE_IDS = ['access', 'rectification', 'erasure', 'restriction', 'objection',
	'portability', 'ban_advertising', 'ban_distance_selling', 'ban_direct_marketing',
	'ban_research', 'ban_publication', 'ban_disclosure', 'anonymisation'].map((n) => `type-${n}`);
const FIELD_IDS = ['name', 'organisation', 'email', 'phone', 'address', 'customer_number',
	'free_text'].map((n) => `f-${n}`);

let browser;
let page;
let t;
const setCookies = [];	// every Set-Cookie header any response sent
let ticket;		// what the first ticket page showed: url, number, code, ...
let printedCode;	// the code's lines as the ticket's PDF has them

// watch(p): track page p and record any Set-Cookie it is sent.
function watch(p) {
	const tr = track(p);
	p.on('response', async (resp) => {
		for (const h of await resp.headersArray().catch(() => []))
			if (h.name.toLowerCase() === 'set-cookie')
				setCookies.push(`${resp.url()}: ${h.value}`);
	});
	return tr;
}

// The date a ticket received at `utc` must be answered by: the same day of
// the next month in Helsinki, or that month's last day (EU 1182/71).
function expectedDeadline(utc) {
	const day = new Intl.DateTimeFormat('en-CA', {
		timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit',
	}).format(new Date(utc));
	const [y, m, d] = day.split('-').map(Number);
	const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
	const next = new Date(Date.UTC(y, m, Math.min(d, last)));
	// 1182/71 Art. 3(4): not on a weekend or a Finnish public holiday
	while (!workingDay(next))
		next.setUTCDate(next.getUTCDate() + 1);
	return next.toISOString().slice(0, 10);
}

// Easter Sunday (Gregorian, by the Gauss-style table of Oudin) as a UTC date.
function easterSunday(y) {
	const g = y % 19, c = Math.floor(y / 100);
	const h = (c - Math.floor(c / 4) - Math.floor((8 * c + 13) / 25) + 19 * g + 15) % 30;
	const i = h - Math.floor(h / 28) * (1 - Math.floor(29 / (h + 1)) * Math.floor((21 - g) / 11));
	const j = (y + Math.floor(y / 4) + i + 2 - c + Math.floor(c / 4)) % 7;
	const l = i - j, month = 3 + Math.floor((l + 40) / 44);
	return new Date(Date.UTC(y, month - 1, l + 28 - 31 * Math.floor(month / 4)));
}

// A Finnish working day: not Saturday or Sunday, nor a day of Act 150/1930.
function workingDay(date) {
	const wd = date.getUTCDay(), m = date.getUTCMonth() + 1, d = date.getUTCDate();
	if (wd === 0 || wd === 6) return false;
	const fixed = ['1-1', '1-6', '5-1', '12-6', '12-24', '12-25', '12-26'];
	if (fixed.includes(`${m}-${d}`)) return false;
	if (m === 6 && d >= 19 && d <= 25 && wd === 5) return false;	// Midsummer Eve
	const e = easterSunday(date.getUTCFullYear()).getTime(), day = 86400000;
	return ![e - 2 * day, e + day, e + 39 * day].includes(date.getTime());
}

// The canonical form inside a ticket code (docs/ticket-format.md), and the
// same code with the name in it changed: well-formed, badly signed.
function canonical(code) {
	return Buffer.from(code.split('.')[1], 'base64url').toString('utf8');
}
function tamper(code) {
	const [prefix, form, sig] = code.split('.');
	const text = Buffer.from(form, 'base64url').toString('utf8');
	const changed = text.replace(/^name: (.*)$/m, (_, n) => `name: ${n.slice(0, -1)}z`);
	assert.notEqual(changed, text, 'the ticket has no name line to change');
	return `${prefix}.${Buffer.from(changed, 'utf8').toString('base64url')}.${sig}`;
}

// submit(p, tr, button): click the button and wait for the document it loads.
async function submit(p, tr, button) {
	const before = tr.documents.length;
	await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), button.click()]);
	assert.ok(tr.documents.length > before, 'sending the form loaded no document');
	return lastDocument(tr);
}

// The ticket shown now: its facts as the page has them.
async function readTicket(p) {
	return p.evaluate(() => {
		const q = (s) => document.querySelector(s);
		const svg = q('.ticket-qr svg');
		return {
			url: location.href,
			h1: q('h1').textContent.replace(/\s+/g, ' ').trim(),
			number: q('.ticket-number')?.textContent.trim(),
			factsNumber: q('.ticket-facts dd')?.textContent.trim(),
			statement: q('.statement')?.textContent.trim(),
			receivedUtc: q('.ticket-facts time')?.getAttribute('datetime'),
			deadlineIso: q('.ticket-facts dd:nth-of-type(3) time')?.getAttribute('datetime'),
			deadlineText: q('.ticket-facts dd:nth-of-type(3) time')?.textContent.trim(),
			types: [...document.querySelectorAll('.ticket-facts .ticket-types li')].map((li) => li.textContent.trim()),
			details: q('.ticket-details')?.textContent.replace(/\s+/g, ' ').trim(),
			code: q('code.ticket-code')?.textContent.trim(),
			svg: svg ? {
				ns: svg.namespaceURI,
				parentIsBox: svg.parentElement.matches('.qr-box'),
				name: svg.getAttribute('aria-label') || svg.querySelector('title')?.textContent || '',
				role: svg.getAttribute('role'),
				shapes: svg.querySelectorAll('path, rect').length,
				width: svg.getBoundingClientRect().width,
				height: svg.getBoundingClientRect().height,
			} : null,
			images: document.images.length,
			scripts: document.scripts.length,
		};
	});
}

describe('public request form in Chromium', () => {
	before(async () => {
		browser = await launch();
		page = await browser.context.newPage();
		t = watch(page);
	});
	after(async () => {
		await browser?.close();
	});

	it('the form in Finnish: labelled fields, no script, accessible and valid', async () => {
		const resp = await page.goto(`${BASE_URL}/request`, { waitUntil: 'load' });
		assert.equal(resp.status(), 200);
		assert.equal(resp.headers()['content-type'], 'text/html; charset=utf-8');
		assert.equal(await page.getAttribute('html', 'lang'), 'fi');
		assert.equal(await page.title(), 'Tietopyyntö');
		assert.equal((await page.locator('h1').innerText()).trim(), 'Tietopyyntö');
		// every type a labelled checkbox, every field labelled
		for (const label of TYPES_FI)
			assert.equal(await page.getByRole('checkbox', { name: label, exact: true }).count(), 1, label);
		assert.equal(await page.getByRole('checkbox').count(), TYPE_IDS.length);
		assert.equal(await page.getByLabel('Nimi', { exact: false }).count(), 1);
		assert.equal(await page.getByLabel('Sähköpostiosoite', { exact: true }).count(), 1);
		assert.equal(await page.getByLabel('Postiosoite', { exact: true }).count(), 1);
		// it works without JavaScript: there is none
		assert.equal(await page.locator('script').count(), 0, 'the form page has a script');
		assert.equal(await page.locator('form.request-form').getAttribute('action'), '/request?lang=fi');
		await checkShown(page, t, 'request-fi');
	});

	it('"In English" leads to the English form, "Suomeksi" back to the Finnish one', async () => {
		await Promise.all([page.waitForURL(`${BASE_URL}/request?lang=en`, { waitUntil: 'load' }),
			page.getByRole('link', { name: 'In English', exact: true }).click()]);
		assert.equal(lastDocument(t).status(), 200);
		assert.equal(await page.getAttribute('html', 'lang'), 'en');
		assert.equal(await page.title(), 'Data subject request');
		assert.equal((await page.locator('h1').innerText()).trim(), 'Data subject request');
		assert.equal(await page.getByRole('checkbox', { name: 'Access: what data you hold about me' }).count(), 1);
		assert.equal(await page.getByRole('button', { name: 'Send the request' }).count(), 1);
		assert.equal(await page.locator('form.request-form').getAttribute('action'), '/request?lang=en');
		await checkShown(page, t, 'request-en');

		await Promise.all([page.waitForURL(`${BASE_URL}/request?lang=fi`, { waitUntil: 'load' }),
			page.getByRole('link', { name: 'Suomeksi', exact: true }).click()]);
		assert.equal(await page.getAttribute('html', 'lang'), 'fi');
		assert.equal((await page.locator('h1').innerText()).trim(), 'Tietopyyntö');
	});

	it('an empty form comes back with every message, the types\' at their group', async () => {
		const url = `${BASE_URL}/request?lang=fi`;
		t.expected.add(url);
		const resp = await submit(page, t, page.getByRole('button', { name: 'Lähetä pyyntö' }));
		assert.equal(resp.status(), 400);
		assert.equal(page.url(), url);
		const links = await page.locator('#error-summary a').evaluateAll((a) =>
		    a.map((e) => [e.getAttribute('href'), e.textContent.trim()]));
		assert.deepEqual(links.map((l) => l[0]), ['#type-access', '#f-name', '#f-email']);
		assert.equal(links[0][1], 'Valitse vähintään yksi asia, jota pyydät.');
		const group = page.getByRole('group', { name: 'Mitä pyydät?' });
		assert.equal(await group.getAttribute('aria-describedby'), 'types-error');
		assert.equal((await group.locator('#types-error').innerText()).trim(), links[0][1]);
		assert.equal(await page.locator('#f-name').getAttribute('aria-invalid'), 'true');
		await checkShown(page, t, 'request-fi-empty');
	});

	it('keyboard: Tab reaches every type and field in order, never the honeypot; filled and sent with keys', async () => {
		await page.goto(`${BASE_URL}/request`, { waitUntil: 'load' });
		const seen = [];
		let onButton = false;
		for (let i = 0; i < 60 && !onButton; i++) {
			await page.keyboard.press('Tab');
			const f = await page.evaluate(() => {
				const a = document.activeElement;
				const r = a.getBoundingClientRect();
				return {
					tag: a.tagName.toLowerCase(), id: a.id, type: a.type || '',
					text: a.textContent.trim(), outline: getComputedStyle(a).outlineStyle,
					visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight &&
					    r.right > 0 && r.left < innerWidth,
				};
			});
			seen.push(f);
			assert.notEqual(f.id, 'homepage', 'Tab reached the honeypot field');
			assert.equal(f.outline, 'solid', `no focus outline on ${f.tag}#${f.id}`);
			assert.ok(f.visible, `the focused ${f.tag}#${f.id} is not in view`);
			// choose access and rectification with Space, type name and email
			if (f.id === 'type-access' || f.id === 'type-rectification')
				await page.keyboard.press('Space');
			else if (f.id === 'f-name')
				await page.keyboard.type(NAME);
			else if (f.id === 'f-email')
				await page.keyboard.type(EMAIL);
			onButton = f.tag === 'button' && f.text === 'Lähetä pyyntö';
		}
		assert.ok(onButton, `Tab never reached the send button: ${seen.map((f) => f.id || f.tag).join(' ')}`);
		assert.equal(seen[0].text, 'Siirry sisältöön', 'the first Tab does not focus the skip link');
		const controls = seen.filter((f) => f.tag === 'input' || f.tag === 'textarea').map((f) => f.id);
		assert.deepEqual(controls, [...TYPE_IDS, ...FIELD_IDS]);

		// Enter on the button sends it: a rectification without its text
		const url = `${BASE_URL}/request?lang=fi`;
		t.expected.add(url);
		await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
		assert.equal(page.url(), url);
		assert.equal(lastDocument(t).status(), 400);
	});

	it('rectification without free text: the message beside the field, the typed values kept', async () => {
		assert.equal((await page.locator('h1').innerText()).trim(), 'Tietopyyntö');
		// the summary at the top, linking to the field
		const summary = page.locator('#error-summary');
		assert.equal(await summary.getAttribute('role'), 'alert');
		const link = summary.getByRole('link', { name: RECTIFICATION_MSG });
		assert.equal(await link.getAttribute('href'), '#f-free_text');
		assert.equal(await summary.getByRole('link').count(), 1, 'more than one error');
		// the message in the field's own box, tied to it, right above it
		const field = page.locator('.field', { has: page.locator('#f-free_text') });
		const msg = field.locator('.field-error');
		assert.equal((await msg.innerText()).trim(), RECTIFICATION_MSG);
		assert.equal(await msg.getAttribute('id'), 'f-free_text-error');
		const text = page.locator('#f-free_text');
		assert.equal(await text.getAttribute('aria-invalid'), 'true');
		assert.deepEqual((await text.getAttribute('aria-describedby')).split(/\s+/).sort(),
		    ['f-free_text-error', 'f-free_text-hint']);
		const [mb, tb] = [await msg.boundingBox(), await text.boundingBox()];
		assert.ok(mb && tb && mb.y < tb.y && tb.y - (mb.y + mb.height) < 40,
		    `the message is not beside the field: ${JSON.stringify({ mb, tb })}`);
		assert.equal(await page.locator('[aria-invalid="true"]').count(), 1);
		// what was typed and chosen is still there
		assert.equal(await page.getByLabel('Nimi', { exact: false }).inputValue(), NAME);
		assert.equal(await page.getByLabel('Sähköpostiosoite', { exact: true }).inputValue(), EMAIL);
		const checked = await page.locator('input[type=checkbox]:checked').evaluateAll((a) => a.map((e) => e.id));
		assert.deepEqual(checked, ['type-access', 'type-rectification']);
		await checkShown(page, t, 'request-fi-rectification-error');
	});

	it('the corrected form is sent: 303 to /request/ticket/<token>', async () => {
		await page.getByLabel('Pyyntösi omin sanoin').fill(FREE_TEXT);
		const resp = await submit(page, t, page.getByRole('button', { name: 'Lähetä pyyntö' }));
		assert.match(page.url(), new RegExp(`^${BASE_URL}/request/ticket/[A-Za-z0-9_-]{16,}$`));
		assert.equal(resp.status(), 200);
		const post = resp.request().redirectedFrom();
		assert.ok(post, 'the ticket was not reached through a redirect');
		assert.equal(post.method(), 'POST');
		assert.equal(post.url(), `${BASE_URL}/request?lang=fi`);
		const answer = await post.response();
		assert.equal(answer.status(), 303);
		assert.equal(new URL(answer.headers().location, BASE_URL).href, page.url());
	});

	it('the ticket: number, deadline, "nothing more to send", an inline SVG QR code', async () => {
		ticket = await readTicket(page);
		assert.equal(await page.getAttribute('html', 'lang'), 'fi');
		assert.match(ticket.number, /^TS-\d{4}-\d{6}$/);
		assert.equal(ticket.h1, `Tietopyynnön kuitti ${ticket.number}`);
		assert.equal(ticket.factsNumber, ticket.number);
		assert.equal(ticket.statement, 'Pyyntösi on vastaanotettu. Sinun ei tarvitse lähettää mitään muuta.');
		assert.match(ticket.receivedUtc, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		assert.equal(ticket.deadlineIso, expectedDeadline(ticket.receivedUtc));
		const [y, m, d] = ticket.deadlineIso.split('-').map(Number);
		assert.equal(ticket.deadlineText, `${d}.${m}.${y}`);
		assert.ok(await page.getByText('Vastaus viimeistään', { exact: true }).isVisible());
		assert.deepEqual(ticket.types, TYPES_FI);
		assert.ok(ticket.details.includes(NAME) && ticket.details.includes(EMAIL), ticket.details);
		// the QR code is drawn in the page itself, not fetched
		assert.ok(ticket.svg, 'no <svg> in the ticket');
		assert.equal(ticket.svg.ns, 'http://www.w3.org/2000/svg');
		assert.ok(ticket.svg.parentIsBox);
		assert.equal(ticket.svg.role, 'img');
		assert.match(ticket.svg.name, /QR/);
		assert.ok(ticket.svg.shapes > 0 && ticket.svg.width >= 150 && ticket.svg.height >= 150,
		    `the QR code is empty or too small: ${JSON.stringify(ticket.svg)}`);
		assert.equal(ticket.images, 0);
		// the code under it is the signed ticket
		assert.match(ticket.code, /^RK1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
		const form = canonical(ticket.code);
		assert.match(form, new RegExp(`^REKISTERI-TICKET 1\nnumber: ${ticket.number}\nreceived: ${ticket.receivedUtc}\ntypes: access,rectification\nname: ${NAME}\n`));
		await checkShown(page, t, 'request-ticket-fi');
	});

	it('the ticket prints on exactly one A4 page with its number and code', async () => {
		const path = join(OUT_DIR, 'request-ticket-fi.pdf');
		await page.pdf({ path, format: 'A4' });
		const pages = pdfPages(path);
		assert.equal(pages.length, 1, `the ticket prints on ${pages.length} pages`);
		assert.ok(isA4(pages[0]), `not A4: ${JSON.stringify(pages[0])}`);
		const text = pdfText(path);
		assert.ok(text.includes(ticket.number), 'the number is not in the PDF');
		assert.ok(text.includes('Sinun ei tarvitse lähettää mitään muuta.'), 'the statement is not in the PDF');
		// the code may wrap anywhere, also after one of its '-': compare
		// without white space, every character as drawn
		const raw = pdfText(path, { raw: true });
		assert.ok(raw.replace(/\s+/g, '').includes(ticket.code), 'the code is not in the PDF');
		// its lines as printed, for the verify page (a copy from the paper)
		const lines = raw.split('\n');
		let at = lines.findIndex((l) => l.startsWith('RK1.'));
		printedCode = [];
		while (at >= 0 && at < lines.length && printedCode.join('').length < ticket.code.length)
			printedCode.push(lines[at++]);
		assert.ok(printedCode.length > 1, 'the code printed on one line');
		assert.equal(printedCode.join(''), ticket.code);
		// the screen-only parts are not printed
		assert.ok(!text.includes('Tee tietopyyntö'), 'the site navigation was printed');
	});

	it('/request/verify: the pasted code is valid, with number, date and types, nothing personal', async () => {
		await Promise.all([page.waitForURL(`${BASE_URL}/request/verify`, { waitUntil: 'load' }),
			page.getByRole('link', { name: 'Tarkista kuitin aitous' }).click()]);
		assert.equal((await page.locator('h1').innerText()).trim(), 'Tarkista kuitti');
		await checkShown(page, t, 'request-verify');

		await page.getByLabel('Kuitin koodi').fill(ticket.code);
		const resp = await submit(page, t, page.getByRole('button', { name: 'Tarkista', exact: true }));
		assert.equal(resp.status(), 200);
		const result = page.locator('#verify-result');
		assert.equal(await result.getAttribute('role'), 'status');
		const shown = (await result.innerText()).replace(/\s+/g, ' ');
		assert.match(shown, /Kuitti on aito/);
		assert.ok(shown.includes(ticket.number), shown);
		assert.equal(await result.locator('time').getAttribute('datetime'), ticket.receivedUtc);
		assert.deepEqual(await result.locator('li').allInnerTexts(), TYPES_FI);
		const body = (await resp.body()).toString('utf8');
		for (const secret of [NAME, EMAIL, FREE_TEXT, 'Mallikas'])
			assert.ok(!body.includes(secret), `the verify page shows "${secret}"`);
		await checkShown(page, t, 'request-verify-valid');

		// copied from the printed ticket: the code in its printed lines
		await page.getByLabel('Kuitin koodi').fill(printedCode.join('\n'));
		assert.equal((await submit(page, t, page.getByRole('button', { name: 'Tarkista', exact: true }))).status(), 200);
		assert.match(await result.innerText(), /Kuitti on aito/);
	});

	it('/request/verify: a changed code is not valid', async () => {
		await page.getByLabel('Kuitin koodi').fill(tamper(ticket.code));
		await submit(page, t, page.getByRole('button', { name: 'Tarkista', exact: true }));
		const result = page.locator('#verify-result');
		assert.equal(await result.getAttribute('role'), 'alert');
		const shown = (await result.innerText()).replace(/\s+/g, ' ');
		assert.match(shown, /Kuitti ei ole aito\. Allekirjoitus ei täsmää: koodia on muutettu\./);
		assert.ok(!shown.includes(ticket.number), 'an invalid code shows a number');
		await checkShown(page, t, 'request-verify-invalid');
	});

	it('set no cookie and asked nothing of another origin', async () => {
		assert.deepEqual(setCookies, []);
		assert.deepEqual(await browser.context.cookies(), []);
		assert.deepEqual(foreignRequests(t), []);
	});

	describe('without JavaScript', () => {
		let nojs;
		let p;
		let tr;

		before(async () => {
			nojs = await launch({ javaScriptEnabled: false });
			p = await nojs.context.newPage();
			tr = watch(p);
		});
		after(async () => {
			await nojs?.close();
		});

		it('the English form is sent and its ticket shown, in English', async () => {
			// scripts really are off in this browser (a blank page has no CSP)
			await p.setContent('<title>off</title><script>document.title = "on"</script>');
			assert.equal(await p.title(), 'off', 'JavaScript is on');
			await p.goto(`${BASE_URL}/request?lang=en`, { waitUntil: 'load' });
			await p.getByRole('checkbox', { name: 'Access: what data you hold about me' }).check();
			await p.getByLabel('Name', { exact: false }).fill(NAME_EN);
			await p.getByLabel('Postal address', { exact: true }).fill(ADDRESS_EN);
			const resp = await submit(p, tr, p.getByRole('button', { name: 'Send the request' }));
			assert.match(p.url(), /\/request\/ticket\/[A-Za-z0-9_-]+$/);
			assert.equal((await resp.request().redirectedFrom()?.response())?.status(), 303);
			const tk = await readTicket(p);
			assert.equal(await p.getAttribute('html', 'lang'), 'en');
			assert.equal(tk.h1, `Receipt for a data subject request ${tk.number}`);
			assert.notEqual(tk.number, ticket?.number);
			assert.equal(tk.statement, 'Your request has been received. You do not need to send anything else.');
			assert.equal(tk.deadlineIso, expectedDeadline(tk.receivedUtc));
			assert.deepEqual(tk.types, ['Access: what data you hold about me']);
			assert.ok(tk.details.includes(NAME_EN) && tk.details.includes(ADDRESS_EN), tk.details);
			assert.ok(tk.svg && tk.svg.shapes > 0, 'no QR code');
			assert.equal(tk.scripts, 0);
			assert.deepEqual(foreignRequests(tr), []);
			assert.deepEqual(tr.problems, [], tr.problems.join('\n'));
			await screenshot(p, 'request-ticket-en-nojs');
			// axe-core needs scripts (its timers never fire here): the same
			// ticket is checked in the other browser
			const resp2 = await page.goto(tk.url, { waitUntil: 'load' });
			assert.equal(resp2.status(), 200);
			assert.equal(await page.getAttribute('html', 'lang'), 'en');
			await checkShown(page, t, 'request-ticket-en');
			assert.deepEqual(await nojs.context.cookies(), []);
			assert.deepEqual(setCookies, []);
		});
	});
});
