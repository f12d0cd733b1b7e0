/* upload.h — an uploaded update file kept between its check and its apply: one per admin, an hour at most, since it holds names and addresses. */
#ifndef REKISTERI_UPLOAD_H
#define REKISTERI_UPLOAD_H

#include <stddef.h>

#include <sqlite3.h>

/* A kept file; data owned (upload_free). */
struct upload {
	char	*data;		/* NUL-terminated, len bytes */
	size_t	 len;
	char	 charset[16];
	char	 source[32];
};

/* Forget every file older than an hour. 0 or -1 (logged). */
int	 upload_expire(sqlite3 *);

/*
 * Keep data for user_id, replacing any file of theirs; *id gets the
 * file's id. Inside the caller's transaction. 0 or -1.
 */
int	 upload_keep(sqlite3 *, long long user_id, const char *filename,
	    const char *charset, const char *source, const char *data,
	    size_t len, long long *id);

/* File id of user_id, if younger than an hour: 0, 1 when there is none, -1 on error. */
int	 upload_get(sqlite3 *, long long id, long long user_id, struct upload *);

/* Forget file id. 0 or -1. */
int	 upload_drop(sqlite3 *, long long id);

void	 upload_free(struct upload *);

#endif
