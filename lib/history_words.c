/* history_words.c — a record's history field codes ("ban.direct_marketing", "order.T-1.status") in plain words for staff pages (#20). */
#include <stdio.h>
#include <string.h>

#include "customer.h"
#include "i18n.h"

/* The fixed codes and their names' keys (i18n/records.*.xml). */
static const struct { const char *code, *key; } fixed[] = {
	{ "restricted", "hist.restricted" },
	{ "restriction_lifted", "hist.restriction_lifted" },
	{ "restriction_told", "hist.restriction_told" },
};

/* The index of s in list[0..n), or -1. */
static int
index_of(const char *s, size_t len, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && strncmp(list[i], s, len) == 0)
			return (int)i;
	return -1;
}

int
customer_history_known(const char *field)
{
	return customer_history_words(NULL, LANG_FI, field, NULL, 0) == 0;
}

int
customer_history_words(const struct i18n *msgs, enum lang lang,
    const char *field, char *out, size_t len)
{
	const char *dot = strchr(field, '.');
	char key[96];
	size_t n;
	int k;

#define SAY(...) do { if (out != NULL) snprintf(out, len, __VA_ARGS__); } while (0)
#define MSG(k_) (msgs != NULL ? i18n_msg(msgs, lang, (k_)) : "")
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(field, fixed[i].code) == 0) {
			SAY("%s", MSG(fixed[i].key));
			return 0;
		}
	if (dot == NULL) {
		for (k = 0; k < CF__MAX; k++)
			if (strcmp(field, cfields[k].name) == 0)
				break;
		if (k == CF__MAX)
			return -1;
		snprintf(key, sizeof(key), "cust.%s", field);
		SAY("%s", MSG(key));
		return 0;
	}
	/* ban.PURPOSE (customer_notes.c) */
	if (strncmp(field, "ban.", 4) == 0 && (k = index_of(dot + 1,
	    strlen(dot + 1), cpurpose_names, CP__MAX)) >= 0) {
		snprintf(key, sizeof(key), "purpose.%s", cpurpose_names[k]);
		SAY("%s: %s", MSG("hist.ban"), MSG(key));
		return 0;
	}
	/* objection.KIND (customer_answers.c) */
	if (strncmp(field, "objection.", 10) == 0 && (k = index_of(dot + 1,
	    strlen(dot + 1), cobjection_names, COBJ__MAX)) >= 0) {
		snprintf(key, sizeof(key), "answer.objection.%s",
		    cobjection_names[k]);
		SAY("%s: %s", MSG("hist.objection"), MSG(key));
		return 0;
	}
	/* order.NUMBER.status (invoice.c): any order number, 1..40 characters */
	if (strncmp(field, "order.", 6) == 0 && (n = strlen(field)) > 6 + 7 &&
	    n - 13 <= 160 && strcmp(field + n - 7, ".status") == 0) {
		SAY("%s %.*s: %s", MSG("hist.order"), (int)(n - 13), field + 6,
		    MSG("hist.invoice_state"));
		return 0;
	}
	/* legal_hold.ID (holds.c) */
	if (strncmp(field, "legal_hold.", 11) == 0 && field[11] != '\0' &&
	    strlen(field + 11) < 20 && strspn(field + 11, "0123456789") ==
	    strlen(field + 11)) {
		SAY("%s", MSG("hist.legal_hold"));
		return 0;
	}
#undef SAY
#undef MSG
	return -1;
}
