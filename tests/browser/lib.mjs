// lib.mjs — shared helpers for the browser tests: start Debian's Chromium
// through playwright-core, visit a page of the running server while
// recording everything the browser asks for and complains about, and the
// checks every visited page must pass (axe-core, well-formed XML, valid
// HTML, a full-page screenshot).
//
// Nothing is started here but the browser: the server is the one
// tests/http/harness.sh started, found through REKISTERI_BASE_URL.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { HtmlValidate } from 'html-validate';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const BASE_URL = (process.env.REKISTERI_BASE_URL || '').replace(/\/+$/, '');
if (!BASE_URL) {
	throw new Error('REKISTERI_BASE_URL is not set: run the browser tests through ' +
	    'the harness: bash tests/http/harness.sh run_tests tests/browser/run.sh');
}
export const ORIGIN = new URL(BASE_URL).origin;

// Screenshots, PDFs and the log go to $BUILD/test-output/browser, BUILD
// relative to the repository root.
export const OUT_DIR = resolve(here, '..', '..', process.env.BUILD || 'build', 'test-output', 'browser');
mkdirSync(OUT_DIR, { recursive: true });

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Debian's Chromium, never a downloaded browser. The network flags keep it
// from calling home (this machine's closed network refuses such
// connections, and they are not the page's doing).
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

// yesterday(): the UTC date before today by the test's clock, YYYY-MM-DD —
// an NDA date the CLI takes whatever the date (it refuses one after today).
export function yesterday() {
	return new Date(Date.now() - 86400000).toISOString().slice(0, 10);
}

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const HTMLVALIDATE_CONFIG = JSON.parse(readFileSync(join(here, '.htmlvalidate.json'), 'utf8'));
const htmlvalidate = new HtmlValidate(HTMLVALIDATE_CONFIG);

// launch(options): a persistent context in a fresh, empty user-data-dir,
// removed by close(). options override the context's defaults (for example
// { javaScriptEnabled: false }, { acceptDownloads: true }). Returns
// { context, close }.
export async function launch(options = {}) {
	const userDataDir = mkdtempSync(join(tmpdir(), 'rekisteri-chromium-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width: 1024, height: 768 },
		locale: 'fi-FI',
		acceptDownloads: false,
		serviceWorkers: 'block',
		...options,
	});
	context.setDefaultTimeout(15000);
	context.setDefaultNavigationTimeout(15000);
	// launchPersistentContext opens one blank page; the tests open their own.
	for (const p of context.pages())
		await p.close();
	return {
		context,
		async close() {
			await context.close();
			rmSync(userDataDir, { recursive: true, force: true });
		},
	};
}

// track(page): record what the page does from now on: every request, the
// main-frame document responses, console errors, uncaught exceptions,
// failed requests and HTTP errors. `expected` is a set of URLs whose 4xx
// answer is intended (a 404 page we asked for).
export function track(page) {
	const t = {
		requests: [],
		documents: [],	// main-frame navigation responses, in order
		problems: [],
		expected: new Set(),
	};
	page.on('request', (req) => t.requests.push(req.url()));
	page.on('response', (resp) => {
		const req = resp.request();
		if (req.isNavigationRequest() && req.frame() === page.mainFrame())
			t.documents.push(resp);
		if (resp.status() >= 400 && !t.expected.has(resp.url()))
			t.problems.push(`HTTP ${resp.status()} for ${req.method()} ${resp.url()}`);
	});
	page.on('requestfailed', (req) => {
		t.problems.push(`request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`);
	});
	page.on('console', (msg) => {
		if (msg.type() !== 'error' && msg.type() !== 'warning')
			return;
		const loc = msg.location()?.url || '';
		// Chromium reports every 4xx document as "Failed to load resource";
		// for a page we asked to be a 404 that is the point, not a fault.
		if (t.expected.has(loc) && /Failed to load resource: .*status of 4\d\d/.test(msg.text()))
			return;
		// The browser's own icon request: the "favicon" test covers it.
		if (new URL(loc || 'about:blank').pathname === '/favicon.ico' && loc.startsWith(ORIGIN))
			return;
		t.problems.push(`console ${msg.type()}: ${msg.text()}${loc ? ` (${loc})` : ''}`);
	});
	page.on('pageerror', (err) => t.problems.push(`uncaught exception: ${err.message}`));
	return t;
}

// foreignRequests(t): requests to anything other than the server under test
// (data: URLs are part of the page itself and allowed).
export function foreignRequests(t) {
	return t.requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== ORIGIN);
}

// lastDocument(t): the most recent main-frame document response.
export function lastDocument(t) {
	if (t.documents.length === 0)
		throw new Error('no document was loaded');
	return t.documents[t.documents.length - 1];
}

// runAxe(page): inject axe-core (the copy in node_modules) and run it with
// the WCAG 2.0/2.1 A and AA rules. Returns the violations, simplified.
//
// The pages send "Content-Security-Policy: default-src 'none'", which
// blocks the inline <script> that page.addScriptTag() creates; turning on
// bypassCSP instead would also hide the CSP errors we want to catch. So
// the same file is evaluated through the DevTools protocol, which CSP
// does not govern.
export async function runAxe(page) {
	await page.evaluate(AXE_SOURCE);
	return page.evaluate(async (tags) => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, {
			runOnly: { type: 'tag', values: tags },
			resultTypes: ['violations'],
		});
		return r.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			helpUrl: v.helpUrl,
			nodes: v.nodes.map((n) => ({
				target: n.target.join(' '),
				html: n.html,
				summary: n.failureSummary,
			})),
		}));
	}, WCAG_TAGS);
}

export function formatAxe(violations) {
	return violations.map((v) => [
		`axe ${v.id} (${v.impact}): ${v.help}`,
		`  ${v.helpUrl}`,
		...v.nodes.flatMap((n) => [
			`  at ${n.target}`,
			`    ${n.html}`,
			...String(n.summary || '').split('\n').map((l) => `    ${l}`),
		]),
	].join('\n')).join('\n');
}

// xmlWellFormed(body): null when body is well-formed XML (xmllint from
// libxml2-utils, the parser family the templates are made with), else
// xmllint's complaint.
export function xmlWellFormed(body) {
	const r = spawnSync('xmllint', ['--noout', '--nonet', '-'], { input: body, encoding: 'utf8' });
	if (r.error)
		return `cannot run xmllint (install libxml2-utils): ${r.error.message}`;
	if (r.status !== 0)
		return (r.stderr || `xmllint exited ${r.status}`).trim();
	return null;
}

// htmlProblems(body, name): html-validate's findings with the checked-in
// tests/browser/.htmlvalidate.json, as readable lines (empty when valid).
export async function htmlProblems(body, name) {
	const report = await htmlvalidate.validateString(body, `${name}.html`);
	const lines = [];
	for (const res of report.results) {
		for (const m of res.messages) {
			lines.push(`${name}.html:${m.line}:${m.column}: ${m.ruleId}: ${m.message}` +
			    (m.selector ? ` [${m.selector}]` : ''));
		}
	}
	return lines;
}

export async function screenshot(page, name) {
	const path = join(OUT_DIR, `${name}.png`);
	await page.screenshot({ path, fullPage: true });
	return path;
}

// checkShown(page, t, name): the checks every page gets, on the page now
// shown (the last document t saw): well-formed XML, valid HTML, no axe-core
// violation, nothing asked of another origin, no problem recorded, and a
// full-page screenshot NAME.png.
export async function checkShown(page, t, name) {
	const body = (await lastDocument(t).body()).toString('utf8');
	const xml = xmlWellFormed(body);
	if (xml !== null)
		throw new Error(`${name}: not well-formed XML:\n${xml}`);
	const html = await htmlProblems(body, name);
	if (html.length > 0)
		throw new Error(`${name}: html-validate found:\n${html.join('\n')}`);
	const v = await runAxe(page);
	if (v.length > 0)
		throw new Error(`${name}: axe-core found:\n${formatAxe(v)}`);
	const foreign = foreignRequests(t);
	if (foreign.length > 0)
		throw new Error(`${name}: requests to other origins:\n${foreign.join('\n')}`);
	if (t.problems.length > 0)
		throw new Error(`${name}: ${t.problems.join('\n')}`);
	await screenshot(page, name);
	return body;
}

// tool(cmd, args): run a command line tool (poppler-utils) and return its
// standard output; throws with what it said when it fails.
function tool(cmd, args) {
	const r = spawnSync(cmd, args, { encoding: 'utf8' });
	if (r.error)
		throw new Error(`cannot run ${cmd} (install poppler-utils): ${r.error.message}`);
	if (r.status !== 0)
		throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
	return r.stdout;
}

// pdfPages(path): the size of every page of a PDF in points, [{ width,
// height }] (pdfinfo). A4 is 595.28 x 841.89.
export function pdfPages(path) {
	const info = tool('pdfinfo', ['-f', '1', '-l', '100000', path]);
	return [...info.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)]
	    .map((m) => ({ width: Number(m[1]), height: Number(m[2]) }));
}

// isA4(size): 210 x 297 mm, upright, within 1.5 pt (Chromium rounds
// format: "A4" to 8.27 x 11.7 in, 595.9 x 842.9 pt).
export function isA4({ width, height }) {
	return Math.abs(width - 595.28) < 1.5 && Math.abs(height - 841.89) < 1.5;
}

// pdfText(path, { raw }): the text of a PDF (pdftotext), pages separated
// by \f. In its reading order pdftotext joins a line that ends in '-' to
// the next one and drops the '-', as if it were a hyphenated word; raw
// keeps the text as it is drawn, every character, for a code that may
// wrap after a '-' of its own (a ticket's code: base64url).
export function pdfText(path, { raw = false } = {}) {
	return tool('pdftotext', ['-enc', 'UTF-8', ...(raw ? ['-raw'] : []), path, '-']);
}
