/* pdf_tags: the structure tree of the tagged PDF (ISO 32000-1 14.7 and
 * 14.8, PDF/UA-1), written into the update of libharu's output. The layout
 * engine made the structure elements (qs_layout.tags, layout_tags.c) and
 * gave each item its element; pdf_content.c wraps each page's items in
 * marked content and takes a marked-content identifier (MCID) per
 * sequence from here; pdf_links.c registers its link annotations. At the
 * end qs_pdf_tags_write writes the struct elements (each with /P, /S, /K:
 * its MCIDs, as marked-content references with /Pg where the page is not
 * the element's own, then its children; /Alt on figures; /A with /Scope
 * on header cells), a Link element with an object reference per link
 * annotation, /StructTreeRoot with its /ParentTree (per page the element
 * of each MCID, per annotation its Link element) and /ParentTreeNextKey,
 * /MarkInfo, and each page's /StructParents and /Tabs /S. Elements that
 * hold no content, directly or below, are left out.
 * Ownership: a qs_pdf_tags owns its arrays (qs_pdf_tags_free); the layout
 * is borrowed. */
#ifndef QS_PDF_TAGS_H
#define QS_PDF_TAGS_H

#include <stdbool.h>
#include <stddef.h>

#include "layout.h"
#include "pdf_update.h"

typedef struct {
    const qs_layout *l;
    int **mcids;            /* per page: the element of each MCID */
    size_t *nmcids, *capmcids;
    struct { unsigned annot; size_t page; int tag; } *links;
    size_t nlinks, caplinks;
} qs_pdf_tags;

void qs_pdf_tags_init(qs_pdf_tags *t, const qs_layout *l);
void qs_pdf_tags_free(qs_pdf_tags *t);

/* The structure type of element `tag` of the layout ("P", "TD"). */
const char *qs_pdf_tags_role(const qs_pdf_tags *t, int tag);
/* The next MCID of page `page`, for content of element `tag` (>= 0). */
int qs_pdf_tags_mcid(qs_pdf_tags *t, size_t page, int tag);
/* Registers link annotation object `annot` on page `page`, over content of
 * element `tag` (an artifact's link goes to the Document); returns the
 * annotation's /StructParent key. */
unsigned qs_pdf_tags_annot(qs_pdf_tags *t, size_t page, int tag, unsigned annot);

/* Writes the structure tree as described above; `pages` holds the page
 * objects' numbers, l->npages of them (their entries are added at
 * qs_pdf_update_finish, which fails when a page cannot be read). */
void qs_pdf_tags_write(qs_pdf_tags *t, qs_pdf_update *u, const unsigned *pages);

#endif
