/* authority.h — the supervisory authority's contact details (the Data Protection Ombudsman), read from one data file that says when they were last checked. */
#ifndef REKISTERI_AUTHORITY_H
#define REKISTERI_AUTHORITY_H

#include <stddef.h>

#include "conf.h"
#include "i18n.h"

/*
 * Where a data subject may lodge a complaint (GDPR Art. 77(1)); told in the
 * privacy notice (Art. 13(2)(d)), in an access report (Art. 15(1)(f)) and
 * in every refusal with its reasons (Art. 12(4)). The details live in
 * DATA/authority.xml alone (format below and in docs/facts.md); pages,
 * letters and checks take them from here.
 */
#define AUTHORITY_FILE	"authority.xml"

/* The details, each in every language; the element names in the file. */
enum afield {
	AF_NAME,	/* Tietosuojavaltuutetun toimisto */
	AF_VISIT,	/* visiting address */
	AF_POST,	/* postal address */
	AF_PHONE,	/* switchboard */
	AF_REGISTRY,	/* the registry's (kirjaamo) phone */
	AF_EMAIL,	/* the registry's email */
	AF_WEB,		/* https:// address of its site */
	AF__MAX
};

extern const char *const afield_names[AF__MAX];	/* "name", "visit", ... */

struct authority {
	char	 checked[11];		/* YYYY-MM-DD: last checked against source */
	char	*source;		/* where they were checked: an https:// URL */
	char	*v[LANG__MAX][AF__MAX];
	char	**former;		/* words of addresses no longer current */
	size_t	 nformer;
};

/*
 * Read path:
 *
 *   <authority checked="YYYY-MM-DD" source="https://...">
 *     <details lang="fi"> <name/> <visit/> <post/> <phone/> <registry/>
 *       <email/> <web/> </details>
 *     <details lang="en"> ... </details>
 *     <former>Ratapihantie</former> ...
 *   </authority>
 *
 * Every detail once, non-empty, in every language; checked a real date.
 * Returns the details (authority_free), or NULL with "file:line: reason"
 * in err.
 */
struct authority *authority_load(const char *path, char *err, size_t errlen);

/* The same from the config's [site] data folder; NULL with err when it is not set. */
struct authority *authority_load_conf(const struct conf *, char *err,
	    size_t errlen);

void	 authority_free(struct authority *);

/* The day a year after checked, when the details are due for a new check, into due[11]. */
void	 authority_due(const struct authority *, char due[11]);

#endif
