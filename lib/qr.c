/* qr.c — see qr.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <qrencode.h>

#include "buf.h"
#include "qr.h"

#define QUIET 4

char *
qr_svg(const char *text, const char *title)
{
	QRcode *q;
	xmlDocPtr doc;
	xmlNodePtr svg, t, path;
	xmlBufferPtr out;
	struct buf d = BUF_INIT;
	char box[64];
	char *res = NULL;
	int size;

	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL)
		return NULL;
	size = q->width + 2 * QUIET;
	/* One path: a 1×1 square per dark module, run-length along rows. */
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width; x++) {
			int run = 0;

			while (x + run < q->width &&
			    (q->data[y * q->width + x + run] & 1))
				run++;
			if (run > 0) {
				buf_addf(&d, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET,
				    run, run);
				x += run - 1;
			}
		}
	QRcode_free(q);

	doc = xmlNewDoc(BAD_CAST "1.0");
	svg = xmlNewDocNode(doc, NULL, BAD_CAST "svg", NULL);
	xmlDocSetRootElement(doc, svg);
	xmlSetNs(svg, xmlNewNs(svg, BAD_CAST "http://www.w3.org/2000/svg", NULL));
	snprintf(box, sizeof(box), "0 0 %d %d", size, size);
	xmlNewProp(svg, BAD_CAST "viewBox", BAD_CAST box);
	xmlNewProp(svg, BAD_CAST "class", BAD_CAST "qr");
	xmlNewProp(svg, BAD_CAST "role", BAD_CAST "img");
	xmlNewProp(svg, BAD_CAST "shape-rendering", BAD_CAST "crispEdges");
	t = xmlNewDocNode(doc, NULL, BAD_CAST "title", NULL);
	xmlAddChild(t, xmlNewDocText(doc, BAD_CAST title));	/* text, escaped */
	xmlAddChild(svg, t);
	path = xmlNewDocNode(doc, NULL, BAD_CAST "rect", NULL);
	xmlNewProp(path, BAD_CAST "width", BAD_CAST "100%");
	xmlNewProp(path, BAD_CAST "height", BAD_CAST "100%");
	xmlNewProp(path, BAD_CAST "fill", BAD_CAST "#fff");
	xmlAddChild(svg, path);
	path = xmlNewDocNode(doc, NULL, BAD_CAST "path", NULL);
	xmlNewProp(path, BAD_CAST "d", BAD_CAST buf_cstr(&d));
	xmlNewProp(path, BAD_CAST "fill", BAD_CAST "#000");
	xmlAddChild(svg, path);
	buf_free(&d);

	if ((out = xmlBufferCreate()) != NULL) {
		if (xmlNodeDump(out, doc, svg, 0, 0) > 0)
			res = xstrdup((const char *)xmlBufferContent(out));
		xmlBufferFree(out);
	}
	xmlFreeDoc(doc);
	return res;
}
