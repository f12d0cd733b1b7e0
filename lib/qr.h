/* qr.h — QR codes (libqrencode) drawn as inline SVG built with libxml2. */
#ifndef REKISTERI_QR_H
#define REKISTERI_QR_H

/*
 * An <svg> element (XHTML-embeddable, its own xmlns) showing text as a QR
 * code with error correction level M, a quiet zone of 4 modules, scaled by
 * the page, with title as its accessible name. The markup is built as a
 * libxml2 tree and serialised by libxml2, so it is safe for a t:html slot.
 * NULL when text cannot be encoded. Caller frees.
 */
char	*qr_svg(const char *text, const char *title);

#endif
