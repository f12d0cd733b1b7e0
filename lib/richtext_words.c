/* richtext_words.c — the cleaner's warning lines (richtext.c) in the reader's language, for the notice editor's page. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "richtext.h"

/* The shapes of richtext.c's warn() lines: a prefix, what follows it, and the message. */
static const struct {
	const char	*prefix, *suffix, *key;
} shapes[] = {
	{ "dropped <a> inside a link", NULL, "rt.w.link_in_link" },
	{ "dropped <a> without href", NULL, "rt.w.link_no_href" },
	{ "dropped link ", "", "rt.w.link_refused" },
	{ "dropped attribute ", "", "rt.w.attribute" },
	{ "dropped <", "> and its content", "rt.w.with_content" },
	{ "dropped <", "> nested too deep", "rt.w.too_deep" },
	{ "dropped <", ">", "rt.w.element" },
};

int
rt_warning_words(const struct i18n *msgs, enum lang lang, const char *line,
    size_t len, struct buf *out)
{
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		size_t pl = strlen(shapes[i].prefix), sl;
		const char *arg = line + pl;
		size_t al;

		if (len < pl || memcmp(line, shapes[i].prefix, pl) != 0)
			continue;
		if (shapes[i].suffix == NULL) {
			if (len != pl)
				continue;
			buf_adds(out, i18n_msg(msgs, lang, shapes[i].key));
			return 0;
		}
		sl = strlen(shapes[i].suffix);
		if (len < pl + sl || memcmp(line + len - sl, shapes[i].suffix,
		    sl) != 0)
			continue;
		al = len - pl - sl;
		buf_adds(out, i18n_msg(msgs, lang, shapes[i].key));
		if (strcmp(shapes[i].key, "rt.w.attribute") == 0) {
			/* "style on <p>" → "style (<p>)" */
			const char *on = strstr(arg, " on <");

			if (on == NULL || on >= arg + al)
				break;
			buf_addf(out, " %.*s (%.*s)", (int)(on - arg), arg,
			    (int)(arg + al - on - 4), on + 4);
		} else if (shapes[i].suffix[0] == '>')
			buf_addf(out, " <%.*s>", (int)al, arg);
		else
			buf_addf(out, " %.*s", (int)al, arg);
		return 0;
	}
	buf_add(out, line, len);	/* a line of another shape, as it is */
	return -1;
}
