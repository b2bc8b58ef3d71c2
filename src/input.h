/* input: every file quotesmith reads comes through here. Files are read as
 * bytes (regular files only, size-capped), confined to the project root
 * (symlinks resolved), and XML is parsed from memory with no network, no
 * external entities, no DTDs, no XInclude, bounded depth and attribute
 * counts, then validated against the format's schema (built into the
 * binary from schemas/).
 * Ownership: a qs_inputs owns every qs_input it loaded (bytes, parsed
 * document, strings); qs_inputs_free releases them all.
 * qs_input_release_document frees one parsed document early, keeping the
 * input's bytes: loading frees the documents it read once the model holds
 * their values (load.h); qs_inputs_release_documents frees all that are
 * left (`build` calls it after the template stage). */
#ifndef QS_INPUT_H
#define QS_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "diag.h"

#define QS_DEFAULT_MAX_FILE_SIZE (8u * 1024u * 1024u)
#define QS_MAX_XML_DEPTH 64
#define QS_MAX_XML_ATTRIBUTES 256
/* Elements in all the XML files of one run together (quote, price lists,
 * departments, rules, template), counted before each file is parsed. */
#define QS_MAX_XML_ELEMENTS 50000u
/* Bytes of all the files of one run together, as a multiple of the file
 * size cap (32 MiB by default). */
#define QS_MAX_RUN_FILES_FACTOR 4u

/* The formats the loader knows a schema for. */
typedef enum {
    QS_FORMAT_QUOTE,
    QS_FORMAT_PRICELIST,
    QS_FORMAT_DEPARTMENT,
    QS_FORMAT_RULES,
    QS_FORMAT_TEMPLATE,
    QS_FORMAT_LEADS,       /* leads rules (leads.c) */
    QS_FORMAT_OUTCOMES,    /* report (SPEC 7) */
    QS_FORMAT_TARGETS,
    /* An OASIS UBL 2.1 Quotation (diff), against the official schema. Not
     * compiled by qs_input_schemas_compile: no build reads one. */
    QS_FORMAT_UBL_QUOTATION
} qs_format;

/* How many faulty elements a department may have and still get its other
 * values checked (qs_input.invalid). */
enum { QS_MAX_INVALID_KEPT = 16 };

typedef struct qs_input {
    char *path;            /* display path: relative to the working directory */
    char *real;            /* absolute path with symlinks resolved */
    unsigned char *data;   /* the file's bytes, NUL-terminated */
    size_t size;
    xmlDoc *doc;           /* parsed document, or NULL for binary inputs */
    bool parsed;           /* loaded as XML (successfully or not) ... */
    qs_format format;      /* ... in this format */
    bool failed;           /* parsing or validation failed once already */
    bool released;         /* doc was freed by qs_inputs_release_documents */
    size_t *lines;         /* byte offset of each line's start (lazy) */
    size_t nlines;
    struct element_at *elements; /* doc's elements by node, with their start
                                    tags' offsets (lazy: lines past 65,535) */
    size_t nelements;
    bool elements_indexed;
    /* A department that failed its schema keeps its document, so that the
     * loader can check the values of the elements the schema passed: the
     * elements it found fault with (at most QS_MAX_INVALID_KEPT; more, and
     * the document is dropped as for any other format). */
    const xmlNode *invalid[QS_MAX_INVALID_KEPT];
    size_t ninvalid;
    struct qs_input *next; /* in read order */
} qs_input;

typedef struct {
    char *root;            /* the project root, absolute and resolved */
    size_t max_file_size;
    size_t bytes;          /* bytes of every file read (QS_MAX_RUN_FILES_FACTOR) */
    size_t elements;       /* elements of every XML file parsed (QS_MAX_XML_ELEMENTS) */
    qs_input *head, *tail; /* every file read, in read order */
} qs_inputs;


/* Where a file was named: the file, line and column of the href, or NULL
 * for a file named on the command line. */
typedef struct {
    const char *file;
    unsigned line, col;
} qs_origin;

typedef enum {
    QS_READ_OK,
    QS_READ_ERRNO,        /* open or read failed; errno says why */
    QS_READ_NOT_REGULAR,  /* a directory, device, FIFO ... */
    QS_READ_TOO_LARGE     /* more than max_size bytes */
} qs_read_status;

/* Reads the regular file `path` of at most max_size bytes into a malloc'd,
 * NUL-terminated buffer (*data, *size without the terminator). No
 * confinement: callers outside this module read only paths that
 * qs_input_read or the command line gave them. */
qs_read_status qs_file_read(const char *path, size_t max_size,
                            unsigned char **data, size_t *size);

/* qs_file_read for an asset read by path on its own (fonts and images in
 * tests and tools): failures become a diagnostic at `display` with rule id
 * `rule`, naming the file as `what` ("font", "image"). Returns the
 * malloc'd bytes or NULL. */
unsigned char *qs_file_read_reported(const char *path, size_t max_size,
                                     const char *display, const char *rule,
                                     const char *what, size_t *size, qs_diags *d);

/* The built-in schemas are compiled on first use and kept, read-only, for
 * the life of the process: a batch compiles them once (with
 * qs_input_schemas_compile) before forking its workers, which share them.
 * (A schema with xs:unique constraints is compiled a second time, in full,
 * only when a document fails the first form: see input.c.)
 * qs_input_schemas_free releases them (at exit, or once a build needs no
 * more of them); a later use compiles them again. */
void qs_input_schemas_compile(void);
void qs_input_schemas_free(void);

/* Sets up the root (a directory; made absolute and resolved). Returns false
 * after a diagnostic when it does not exist. */
bool qs_inputs_init(qs_inputs *in, const char *root, size_t max_file_size,
                    qs_diags *d);
void qs_inputs_free(qs_inputs *in);

/* Frees every parsed input document (xmlFreeDoc), keeping each input's
 * path, bytes and line index, so that the manifest
 * still hashes the bytes and qs_input_read still finds every file read.
 * Every xmlNode pointer into an input document is invalid afterwards
 * (AddressSanitizer reports a use); qs_input_of_node no longer finds a
 * released document. A later qs_input_load_xml of a released file parses
 * and validates its bytes again, giving a new document. */
void qs_inputs_release_documents(qs_inputs *in);

/* The same for one input (nothing when `s` is NULL or holds no document). */
void qs_input_release_document(qs_input *s);

/* Resolves `href` against the directory of the file `base` (a display
 * path), giving a normalised display path in *out (malloc'd). Absolute
 * hrefs and URLs with a scheme are refused. Returns false after a diagnostic
 * at `at` when the result would leave the root. */
bool qs_input_resolve(qs_inputs *in, const char *base, const char *href,
                      const qs_origin *at, char **out, qs_diags *d);

/* The real path of `path` (a display path) for a confinement check of a
 * file that may not exist yet: the longest part of it that exists is
 * resolved (symlinks and ".." followed, as the system will follow them)
 * and the rest, normalised, appended. NULL when the rest climbs out with
 * "..", or a folder cannot be searched. Malloc'd. */
char *qs_path_real(const char *path);

/* The part of `real` (an absolute, resolved path) below the folder `dir`
 * (absolute, resolved): "" for `dir` itself, NULL when `real` is not
 * inside it (or is NULL). Points into `real`. The one test of "inside the
 * project root" (and inside OUTDIR) every reader and writer uses. */
const char *qs_path_below(const char *real, const char *dir);

/* The display path of `rel` (a path relative to the project root, like
 * "templates/catalog/template.xml"): relative to the working directory
 * when the root lies below it, else under the root. Malloc'd. */
char *qs_inputs_root_file(const qs_inputs *in, const char *rel);

/* Reads `path` (a display path) as bytes, confined to the root. Returns the
 * input (owned by `in`) or NULL after a diagnostic at `at` (or at the file
 * itself when `at` is NULL, which also marks an environment failure). A file
 * already read is returned again without reading it twice. */
qs_input *qs_input_read(qs_inputs *in, const char *path, const qs_origin *at,
                        qs_diags *d);

/* Reads, parses and schema-validates an XML file of the given format.
 * Returns NULL after diagnostics (at file:line:col) when any step fails. A
 * file already loaded is returned again, but only in the same format: one
 * file cannot serve as, say, both a price list and a department. */
/* After qs_input_load_xml returned NULL for `path`: the department whose
 * document failed its schema but was kept (qs_input.invalid), or NULL. */
qs_input *qs_input_schema_failed(qs_inputs *in, const char *path);

/* Whether `node` or an element inside it is one the schema found fault
 * with (src->invalid). */
bool qs_input_is_invalid(const qs_input *src, const xmlNode *node);

qs_input *qs_input_load_xml(qs_inputs *in, const char *path, qs_format format,
                            const qs_origin *at, qs_diags *d);

/* The line and column (1-based, in characters) where `node`'s start tag
 * begins in the source bytes, or with `attr` where that attribute is
 * written, when present. Falls back to the node's line and column 1. */
void qs_input_locate(const qs_input *src, const xmlNode *node, const char *attr,
                     unsigned *line, unsigned *col);

/* True when `n` is an element named `name` (false for NULL). */
bool qs_xml_is(const xmlNode *n, const char *name);

/* The first child element of `parent` named `name`, or NULL (NULL when
 * parent is NULL). */
const xmlNode *qs_xml_child(const xmlNode *parent, const char *name);

/* Collapses runs of XML white space to one space and trims both ends, in
 * place (XML Schema's whiteSpace="collapse"); returns `s`. */
char *qs_xml_collapse_space(char *s);

/* qs_xml_memory_watch wraps libxml2's allocator (xmlMemSetup, before any
 * other libxml2 call). With `stop` (what main asks for) a failed
 * allocation ends the run with "out of memory" and exit status 3
 * (qs_out_of_memory): libxml2 2.9 crashes in its parser after one, and
 * reports others only by leaving a node, text or attribute out
 * (xmlNewProp, xmlNewTextChild, xmlDocCopyNode). Without it (the unit
 * tests of the stages' own checks) every failure is counted;
 * qs_xml_memory_failures gives the count so far, and a stage that builds
 * a tree compares it before and after. */
void qs_xml_memory_watch(bool stop);
unsigned long qs_xml_memory_failures(void);

/* While a meter is set, every allocation libxml2 asks for is first charged
 * to it (its size in bytes); NULL sets none. The XPath string budget
 * (xpath.c) is the one user. Installs the watch if it is not yet. */
typedef void qs_xml_meter(size_t bytes);
void qs_xml_memory_meter(qs_xml_meter *charge);

/* The input whose document holds `node`, or NULL. */
qs_input *qs_input_of_node(const qs_inputs *in, const xmlNode *node);

#endif
