/* view_notice_draft.c — the notice's draft as a page model, for the intranet's editor; apart from view_notice.c so that the public notice executable links nothing that writes (notice_edit.c). */
#include <stdio.h>

#include "fmt.h"
#include "notice_edit.h"
#include "view_notice.h"

int
notice_draft_fill(sqlite3 *db, enum lang lang, const char *edit_path,
    struct tmpl_map *root)
{
	struct tmpl_map *ver;
	char when[64], d[11];
	long long id;

	if (notice_draft_date(db, &id, d) != 0)
		return -1;
	ver = tm_map(root, "version");
	tm_int(ver, "number", 0);
	fmt_date(when, sizeof(when), lang, d);
	tm_str(ver, "drawn_up", when);
	tm_str(ver, "drawn_up_iso", d);
	tm_bool(ver, "latest", 1);
	/* facts and sections as the public page has them */
	return notice_fill_content(id, lang, edit_path, root);
}
