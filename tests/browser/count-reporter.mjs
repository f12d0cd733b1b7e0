// count-reporter.mjs — a node:test reporter that counts, per file, the tests
// that passed, failed and were skipped, and writes them as one JSON object:
//
//   { "files": { "/path/a.test.mjs": { "pass": 6, "fail": 0, "skip": 0 } } }
//
// run.sh compares these with what each file declares. Only tests count:
// suites (describe) are left out, a todo or skipped test is "skip", and a
// file that fails outside any test (say, on import) is one "fail".
// Built on the reporter events (test:pass, test:fail, details.type), not on
// the wording of a human-readable summary.

export default async function* countReporter(source) {
	const files = {};
	for await (const ev of source) {
		if (ev.type !== 'test:pass' && ev.type !== 'test:fail')
			continue;
		const d = ev.data;
		if (d.details?.type === 'suite')
			continue;
		const f = (files[d.file ?? '(unknown)'] ??= { pass: 0, fail: 0, skip: 0, failed: [] });
		if (d.skip || d.todo)
			f.skip++;
		else if (ev.type === 'test:pass')
			f.pass++;
		else {
			f.fail++;
			f.failed.push(d.name);
		}
	}
	yield `${JSON.stringify({ files })}\n`;
}
