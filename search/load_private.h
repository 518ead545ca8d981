/*
 * load_private.h — what the files of the loading room (load.c, load_xml.c, load_net.c,
 * load_hw.c, load_set.c, load_xp.c) share and no other file includes: the reading of a file
 * (sq_source), the parser, the attribute helpers every loader validates with (each error is
 * "FILE:LINE: message" at the offending element, SQ_EINPUT), and the loaders' entry points on
 * a parsed document, which `squash check` (load.c) and experiments (load_xp.c) call.
 */
#ifndef SQUASH_LOAD_PRIVATE_H
#define SQUASH_LOAD_PRIVATE_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "load.h"

#define SQ_ATTR_MAX 1024 /* longest single-valued attribute (bytes) */
#define SQ_PATH_MAX 4096 /* longest resolved path (bytes) */

/* ---- text and messages (load_xml.c) ---- */

/* Appends printf-style text to a NUL-terminated buf of len bytes, truncating. */
void sq_buf_append(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends the names of a parameter table: "a, b, c" (", a, b, c" unless first). */
void sq_buf_append_params(char *buf, size_t len, const pt_param *table, size_t n, int first);
/* Line of node n in its file (1 when unknown); right past 65535. */
long sq_node_line(const xmlNode *n);
const char *sq_node_name(const xmlNode *n);
/* Fill err with "PATH:LINE: message" (at line, or at node n's line) and return SQ_EINPUT. */
int sq_fail_at_line(sq_error *err, const char *path, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int sq_fail_at(sq_error *err, const char *path, const xmlNode *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- elements and attributes (load_xml.c) ---- */

/* Is n the element <name> (no namespace)? */
int sq_elem_is(const xmlNode *n, const char *name);
/* Classifies child c of an element named parent: 1 an element to handle, 0 to skip (blank
 * text, comment, processing instruction), SQ_EINPUT anything else (text, entity reference). */
int sq_child_kind(const xmlNode *c, const xmlNode *parent, const char *path, sq_error *err);
/* Steps *c to parent's next element child (its first when *c is NULL), skipping what
 * sq_child_kind skips: 1 with *c set, 0 past the last child, SQ_EINPUT on other content. Loop:
 *     const xmlNode *c = NULL;
 *     while ((rc = sq_next_elem(parent, &c, path, err)) > 0) { ... }
 *     if (rc < 0) return rc; */
int sq_next_elem(const xmlNode *parent, const xmlNode **c, const char *path, sq_error *err);
/* An element that must have no element or text children. */
int sq_check_leaf(const xmlNode *n, const char *path, sq_error *err);
/* Fails on the first attribute of n that is not in fixed (NULL-terminated) nor in table. */
int sq_check_attrs(const xmlNode *n, const char *const *fixed, const pt_param *table,
                   size_t n_table, const char *path, sq_error *err);
/* Copies attribute name of n into buf. 1 present, 0 absent, SQ_EINPUT too long. */
int sq_attr_get(const xmlNode *n, const char *name, char *buf, size_t len, const char *path,
                sq_error *err);
/* A numeric attribute through a one-off parameter description; absent: def if !required. */
int sq_attr_number(const xmlNode *n, const char *name, pt_type type, double min, double max,
                   int required, double def, double *out, const char *path, sq_error *err);
int sq_attr_u32(const xmlNode *n, const char *name, double min, double max, int required,
                uint32_t def, uint32_t *out, const char *path, sq_error *err);
/* A table parameter from attribute text into base (the struct the table describes). */
int sq_attr_param(const xmlNode *n, const pt_param *p, void *base, const char *path, sq_error *err);
/* sq_attr_param for every entry of a table. */
int sq_attr_params(const xmlNode *n, const pt_param *table, size_t n_table, void *base,
                   const char *path, sq_error *err);

/* ---- reading and parsing (load_xml.c) ---- */

/* Where a file's bytes come from: a built-in entry or a file read into memory. */
typedef struct sq_source {
    const char *text;           /* the bytes (borrowed from the built-in or owned_text) */
    size_t len;                 /* bytes in text */
    const char *path;           /* path for messages: built-in path or path_buf */
    char *owned_text;           /* malloc'ed file contents, or NULL */
    int open_errno;             /* errno of a failed open (sq_source_open returned 1) */
    char path_buf[SQ_PATH_MAX]; /* the resolved file path */
} sq_source;

/* sq_source_open's result for an existing path that is not a regular file (a FIFO, a directory,
 * a device): err holds "'PATH' is a FIFO, not a regular file", without a prefix. */
#define SQ_SOURCE_NOT_REGULAR 2

/* Resolves ref: a built-in name in list (if not NULL), else a file, relative to dir when dir is
 * not NULL and ref is relative. 0 (sq_source_close src), 1 if neither exists (src->open_errno says
 * why), SQ_SOURCE_NOT_REGULAR, SQ_EINPUT (too large) or SQ_ERUNTIME. */
int sq_source_open(sq_source *src, const sq_builtin *list, size_t n, const char *ref,
                   const char *dir, sq_error *err);
void sq_source_close(sq_source *src);
/* The message of a top-level sq_source_open that met a file that is not regular. */
int sq_source_not_regular(sq_error *err);
/* Records an input of the experiment being loaded (rec; NULL when not loading one), once. */
int sq_input_record(sq_experiment *rec, const sq_source *src, sq_error *err);
/* Parses text into *out (owned: xmlFreeDoc). Errors are "PATH:LINE: ..." SQ_EINPUT. */
int sq_xml_parse(xmlDoc **out, const char *text, size_t len, const char *path, sq_error *err);

/* ---- the loaders on a parsed document or a reference ---- */

/* load_net.c: a network from a parsed document; a zoo name or a file (relative to dir if
 * given; 1: neither exists), recorded in rec (or NULL). */
int sq_net_from_doc(net_network **out, const xmlDoc *doc, const char *path, sq_error *err);
int sq_net_load_ref(net_network **out, const char *ref, const char *dir, sq_experiment *rec,
                    sq_error *err);
/* load_hw.c: a design from a parsed document (depth counts preset="..." indirections); a preset
 * name or a file (relative to dir if given; 1: neither exists), recorded in rec (or NULL). */
int sq_hw_from_doc(hw_config *out, const xmlDoc *doc, const char *path, int depth,
                   sq_experiment *rec, sq_error *err);
int sq_hw_load_ref(hw_config *out, const char *ref, const char *dir, sq_experiment *rec,
                   sq_error *err);
/* load_xp.c: an owned experiment from a parsed document of text (the file's bytes). */
int sq_xp_build(sq_experiment **out, const xmlDoc *doc, const char *text, size_t len,
                const char *path, sq_error *err);

#endif
