/* notice_int.h — the notice module's statements, shared by notice.c and view_notice.c (private to lib/). */
#ifndef REKISTERI_NOTICE_INT_H
#define REKISTERI_NOTICE_INT_H

#include <sqlite3.h>

enum notice_stmt {
	STMT_LATEST,
	STMT_EXISTS,
	STMT_VERSION,
	STMT_FACTS,
	STMT_SECTIONS,
	STMT_VERSIONS,
	STMT_JSON,
	STMT_DRAFT_SECTIONS,
	STMT__MAX
};

/* Statement k, prepared by notice_prepare; reset it after use. */
sqlite3_stmt	*notice_stmt(enum notice_stmt k);

#endif
