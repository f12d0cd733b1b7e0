/* text.h — what counts as text from outside: valid UTF-8 (shortest form, no surrogates) without NUL or stray control characters. */
#ifndef REKISTERI_TEXT_H
#define REKISTERI_TEXT_H

#include <stddef.h>

/* Non-zero when s[0..len) is valid UTF-8 with no NUL and no C0 control but TAB, LF, CR (form text). */
int	 text_valid(const char *s, size_t len);
/* The same with no control character at all, DEL included (paths, names). */
int	 text_valid_strict(const char *s, size_t len);

#endif
