/* validate_int.h — what the validators' files share (private to lib/validate*.c): spans, the output sink and the character helpers. */
#ifndef REKISTERI_VALIDATE_INT_H
#define REKISTERI_VALIDATE_INT_H

#include <stddef.h>

/* A slice of the caller's string: not NUL-terminated. */
struct span {
	const char	*p;
	size_t		 n;
};

/*
 * Where a normalised value is written: appends never overflow, they set
 * over instead; buf is kept NUL-terminated. val_sink_done turns over into
 * "val.too_long" and an empty out.
 */
struct sink {
	char	*buf;
	size_t	 cap, len;
	int	 over;
};

/* ASCII only: the C library's classes depend on the locale. */
int		 val_is_digit(int c);
int		 val_is_alpha(int c);
/* c with an ASCII letter lower-/upper-cased, anything else as it is. */
char		 val_to_lower(char c);
char		 val_to_upper(char c);
/* Whether s starts with prefix (lower case), ASCII letters compared case-insensitively. */
int		 val_has_prefix_ci(struct span s, const char *prefix);

/*
 * The length of the white space (space, no-break spaces, TAB, CR, LF)
 * starting at p (n bytes left), 0 if none. sep_only: only the blanks that
 * may separate digit groups (the spaces).
 */
size_t		 val_blank_at(const char *p, size_t n, int sep_only);
/* in without leading and trailing white space; NULL is the empty string. The span points into in. */
struct span	 val_trim(const char *in);

/* Start writing to out (outlen bytes; out may be NULL, then nothing fits): out becomes "". */
void		 val_sink_init(struct sink *k, char *out, size_t outlen);
/* Append p[0..n), or set over when it does not fit (nothing of it written). */
void		 val_sink_add(struct sink *k, const char *p, size_t n);
void		 val_sink_addc(struct sink *k, char c);
/* NULL when everything fitted, else "val.too_long" with the buffer emptied. */
const char	*val_sink_done(struct sink *k);

/* Empty out (when there is room for that) and return the message key. */
const char	*val_fail(char *out, size_t outlen, const char *key);
/* Copy s to out as it is: NULL, or "val.too_long" with out emptied. */
const char	*val_put(char *out, size_t outlen, struct span s);

/*
 * Whether s is valid UTF-8 without NUL, C0 controls (but TAB, CR and LF
 * when multiline), DEL, C1 controls, line/paragraph separators or bidi
 * controls.
 */
int		 val_text_ok(struct span s, int multiline);
/* Whether d is a host name as val_email and val_url accept it (ASCII labels, xn-- for IDNs). */
int		 val_domain_ok(struct span d);

/* Whether all n bytes at p are ASCII digits. */
int		 val_all_digits(const char *p, size_t n);
/*
 * The Y-tunnus check digit of the 7 ASCII digits at d: 0..9, or -1 when
 * no check digit exists (such numbers are never issued).
 */
int		 val_ytunnus_check(const char *d);

#endif
