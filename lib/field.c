/* field.c — the one field mechanism of validate.h: a field's validator by its kind, and the reader of a form. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "validate.h"

const char *
val_int(const char *in, long long min, long long max, long long *out)
{
	const char *p = in;
	char *end;
	long long v;

	if (in == NULL || *in == '\0')
		return "val.number";
	if (*p == '-') {
		if (min >= 0 || p[1] == '0')	/* no "-0" */
			return "val.number";
		p++;
	}
	/* digits only, and no leading zeros: "007" is not a number we wrote */
	if (!isdigit((unsigned char)*p) || (p[0] == '0' && p[1] != '\0') ||
	    strspn(p, "0123456789") != strlen(p))
		return "val.number";
	errno = 0;
	v = strtoll(in, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return "val.number";
	*out = v;
	return NULL;
}

const char *
val_enum(const char *in, const char *const *names, int *out)
{
	for (int i = 0; in != NULL && names[i] != NULL; i++)
		if (strcmp(in, names[i]) == 0) {
			*out = i;
			return NULL;
		}
	return "val.required";
}

/*
 * Join the lines of a validated multi-line value into one, in place (s
 * has cap bytes): "Katu 1\n00100 Helsinki" → "Katu 1, 00100 Helsinki";
 * blank lines and the white space around line breaks go. A tab cannot go
 * into a one-line value. NULL, or a message key.
 */
static const char *
join_lines(char *s, size_t cap)
{
	struct buf b = BUF_INIT;
	const char *line = s;

	if (strchr(s, '\t') != NULL)
		return "val.bad_chars";
	while (line != NULL) {
		const char *nl = strchr(line, '\n'), *end = nl ? nl :
		    line + strlen(line);

		while (line < end && (*line == ' ' || *line == '\r'))
			line++;
		while (end > line && (end[-1] == ' ' || end[-1] == '\r'))
			end--;
		if (end > line) {
			if (b.len > 0)
				buf_adds(&b, ", ");
			buf_add(&b, line, (size_t)(end - line));
		}
		line = nl ? nl + 1 : NULL;
	}
	if (b.len >= cap) {
		buf_free(&b);
		return "val.too_long";
	}
	if (b.len > 0)
		memcpy(s, b.data, b.len);
	s[b.len] = '\0';
	buf_free(&b);
	return NULL;
}

/* Letters, digits and '-', upper-cased in place. */
static const char *
code_check(char *s)
{
	for (char *p = s; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-')
			return "request.err.customer_number";
		*p = (char)toupper((unsigned char)*p);
	}
	return NULL;
}

/* The kinds whose value is plain text of at most f->max characters. */
static const char *
text_kinds(const struct field *f, const char *in, char *out, size_t outlen)
{
	const char *why;

	switch (f->kind) {
	case VK_MULTILINE:
		return val_multiline(in, f->max, out, outlen);
	case VK_LINES:
		if ((why = val_multiline(in, f->max, out, outlen)) == NULL)
			why = join_lines(out, outlen);
		return why;
	case VK_CODE:
		if ((why = val_text(in, f->max, out, outlen)) == NULL)
			why = code_check(out);
		return why;
	default:	/* VK_TEXT, VK_POSTAL */
		return val_text(in, f->max, out, outlen);
	}
}

const char *
field_check(const struct field *f, const char *in, char *out, size_t outlen)
{
	long long n;
	int i;

	switch (f->kind) {
	case VK_BOOL:
		/* a checkbox sends "1" or nothing; a CSV file may say "0" */
		snprintf(out, outlen, "%s", strcmp(in, "1") == 0 ? "1" : "0");
		return strcmp(in, "") == 0 || strcmp(in, "0") == 0 ||
		    strcmp(in, "1") == 0 ? NULL : "val.bad_chars";
	case VK_DATE:
		return val_date(in, out, outlen);
	case VK_EMAIL:
		return val_email(in, out, outlen);
	case VK_PHONE:
		return val_phone(in, "358", out, outlen);
	case VK_COUNTRY:
		return val_country(in, out, outlen);
	case VK_URL:
		return val_url(in, out, outlen);
	case VK_IP:
		return val_ip(in, out, outlen);
	case VK_BUSINESS_ID:
		return val_business_id(in, out, outlen);
	case VK_EINVOICE:
		return val_einvoice(in, out, outlen);
	case VK_MONEY:
		return val_money(in, 1, out, outlen);
	case VK_ENUM:
		snprintf(out, outlen, "%s", in);
		return *in == '\0' ? NULL : val_enum(in, f->names, &i);
	case VK_INT:
		snprintf(out, outlen, "%s", in);
		return *in == '\0' ? NULL : val_int(in, f->min, f->imax, &n);
	default:
		return text_kinds(f, in, out, outlen);
	}
}

int
field_read(const struct field *fields, size_t n, const struct kvlist *form,
    char **v, const char **errs)
{
	static char out[16384];
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		const struct field *f = &fields[i];
		const char *in = kv_get(form, f->name), *why;

		if (in == NULL)
			in = f->dflt ? f->dflt : "";
		if (kv_count(form, f->name) > 1)
			why = "val.twice";
		else if ((why = field_check(f, in, out, sizeof(out))) == NULL &&
		    (f->flags & VF_REQUIRED) && out[0] == '\0')
			why = "val.required";
		errs[i] = why;
		v[i] = xstrdup(why != NULL ? in : out);	/* in error: as typed */
		if (why != NULL)
			bad++;
	}
	return bad;
}

int
field_index(const struct field *fields, size_t n, const char *name)
{
	for (size_t i = 0; name != NULL && i < n; i++)
		if (strcmp(fields[i].name, name) == 0)
			return (int)i;
	return -1;
}
