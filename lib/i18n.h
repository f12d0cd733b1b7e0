/* i18n.h — message catalogues (Finnish first, English complete) and language choice. */
#ifndef REKISTERI_I18N_H
#define REKISTERI_I18N_H

enum lang {
	LANG_FI,
	LANG_EN,
	LANG__MAX
};

extern const char *const lang_codes[LANG__MAX];	/* "fi", "en" */

struct i18n;

/*
 * Load DIR/fi.xml and DIR/en.xml (format: docs/i18n.md). Every key must be
 * present in every language. On failure returns NULL and writes
 * "file:line: reason" to err.
 */
struct i18n	*i18n_load(const char *dir, char *err, size_t errlen);
void		 i18n_free(struct i18n *);

/* The message for key in lang, or NULL when there is none. */
const char	*i18n_get(const struct i18n *, enum lang, const char *key);

/* Like i18n_get, but never NULL: an unknown key comes back as itself. */
const char	*i18n_msg(const struct i18n *, enum lang, const char *key);

/* "fi" or "en" to a language; -1 for anything else. */
int		 lang_parse(const char *code);

/*
 * The page language: ?lang= when it names a known language, otherwise the
 * best-rated known language in Accept-Language, otherwise Finnish.
 * Either argument may be NULL.
 */
enum lang	 lang_negotiate(const char *query_lang, const char *accept_language);

#endif
