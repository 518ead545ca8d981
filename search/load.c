/*
 * load.c — network, accelerator and experiment files: XML in, const structs out.
 *
 * Loading runs in three steps, after ZigZag's parser [1]:
 *
 *   1. parse   — libxml2 reads the bytes into a tree. The parser never touches the network
 *                (XML_PARSE_NONET), never loads a DTD, never expands entities (no
 *                XML_PARSE_NOENT / XML_PARSE_DTDLOAD), and refuses any <!DOCTYPE> outright: a
 *                SAX hook stops the parser at the declaration, before an entity is even
 *                declared. Files over 64 MiB are refused before parsing. XML_PARSE_BIG_LINES
 *                keeps line numbers right past 65535. A malformed file is reported as
 *                `FILE:LINE: malformed XML: <libxml2's message>`, taken from the parser
 *                context's own last error (one context per call: thread-safe, no global
 *                handler).
 *   2. validate — every attribute is checked against its table (pt_param: the template's
 *                parameters, hw_tech_params, net_compression_params, or the fixed layer
 *                attributes below) and defaults are filled. Every error is
 *                `FILE:LINE: message` with the line of the offending element.
 *   3. build   — the net_network / hw_config the models read; hw_config_prepare and
 *                net_layer_finish do the cross-field checks, and their messages are reported
 *                at the element's line.
 *
 * Network file (CONTRACT.md, "Network XML"):
 *   <network name top1 source batch>          name required; top1 0..100 (0: unknown);
 *                                             batch 1..65536, default 1
 *     <conv name in out h w (kernel | kh kw) stride=1 pad=0 groups=1/>
 *     <fc name in out/>                       N=batch, C=in, K=out, H=W=R=S=1
 *     <matmul name m n k count=1 b="weights|activations"/>
 *                                             P=H=m, Q=W=1, C=k, K=n, R=S=1
 * Sizes are 1..2^24 (pad 0..2^24); a layer or network of more than 2^52 MACs is refused so
 * that no count (MACs, cycles, bytes) overflows 64 bits downstream.
 *
 * Accelerator file (CONTRACT.md, "Accelerator XML"):
 *   <accelerator name template preset ...template parameters...>
 *     <tech NAME="VALUE" .../>                technology constants at 45 nm (hw_tech_params)
 *   </accelerator>
 * `preset="edge-systolic"` starts from a built-in preset; the file's own attributes then
 * override its values (name and template default to the preset's). Without a preset, name
 * and template are required.
 *
 * Experiment file (CONTRACT.md, "Experiment XML"; xp_ section at the end): loaded into an
 * sq_experiment — the network, the fixed design and compression, the sweeps' value lists, the
 * constraints and objectives, the size of the design space, and the SHA-256 of the file's
 * bytes. `squash check` builds the same and throws it away.
 *
 * References:
 *   [1] ZigZag, zigzag/parser/ — parse, validate with defaults, build model objects.
 *   [2] libxml2 2.9 API, parser.h: xmlCtxtReadMemory, xmlParserOption; xmlerror.h.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <assert.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "dse.h"

#define SQ_FILE_MAX_BYTES ((size_t)64 << 20) /* larger files are refused unread */
#define SQ_DIM_MAX 16777216.0                /* 2^24: largest size, channel count, etc. */
#define SQ_BATCH_MAX 65536.0                 /* largest network batch */
#define SQ_NET_MACS_MAX 4503599627370496.0   /* 2^52 MACs in a layer or a whole network */
#define SQ_PRESET_DEPTH_MAX 4                /* preset="..." chains (presets using presets) */
#define SQ_ATTR_MAX 1024                     /* longest single-valued attribute (bytes) */
#define SQ_PATH_MAX 4096                     /* longest resolved path (bytes) */
#define SQ_XML_ATTRS_MAX 128                 /* attributes on one element (see xml_prescan) */

/* Parse options: no network, big line numbers, no stderr noise; and, by omission, no
 * XML_PARSE_NOENT (entity substitution) and no XML_PARSE_DTDLOAD / DTDATTR / DTDVALID. */
#define SQ_XML_OPTIONS                                                                             \
    (XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

/* ================================================================== small helpers */

/* Appends printf-style text to a NUL-terminated buf of len bytes, truncating. */
static void buf_append(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void buf_append(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

/* Appends the names of a parameter table: "a, b, c". */
static void buf_append_params(char *buf, size_t len, const pt_param *table, size_t n, int first)
{
    for (size_t i = 0; i < n; i++)
        buf_append(buf, len, "%s%s", first && i == 0 ? "" : ", ", table[i].name);
}

static long node_line(const xmlNode *n)
{
    if (n == NULL)
        return 1;
    /* libxml2 2.9 keeps lines past 65535 (XML_PARSE_BIG_LINES) only on text nodes; for an
     * element it then guesses from the following node. The text just before an element ends on
     * the line where the element starts, so ask that one. */
    if (n->type == XML_ELEMENT_NODE && n->line == 65535 && n->prev != NULL &&
        n->prev->type == XML_TEXT_NODE) {
        long line = xmlGetLineNo(n->prev);
        if (line > 0)
            return line;
    }
    long line = xmlGetLineNo(n);
    return line > 0 ? line : 1;
}

static const char *node_name(const xmlNode *n)
{
    return (const char *)n->name;
}

/* Fills err with "PATH:LINE: message" and returns SQ_EINPUT. */
static int vfail_line(sq_error *err, const char *path, long line, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static int vfail_line(sq_error *err, const char *path, long line, const char *fmt, va_list ap)
{
    if (err == NULL)
        return SQ_EINPUT;
    int w = snprintf(err->msg, sizeof err->msg, "%s:%ld: ", path, line);
    if (w >= 0 && (size_t)w < sizeof err->msg)
        vsnprintf(err->msg + w, sizeof err->msg - (size_t)w, fmt, ap);
    return SQ_EINPUT;
}

static int fail_at_line(sq_error *err, const char *path, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at_line(sq_error *err, const char *path, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_line(err, path, line, fmt, ap);
    va_end(ap);
    return rc;
}

/* The same at the line of node n. */
static int fail_at(sq_error *err, const char *path, const xmlNode *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(sq_error *err, const char *path, const xmlNode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_line(err, path, node_line(n), fmt, ap);
    va_end(ap);
    return rc;
}

/* Is n the element <name> (no namespace)? */
static int elem_is(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns == NULL &&
           strcmp(node_name(n), name) == 0;
}

/* The text of a text node from its first non-blank character. */
static const char *text_start(const xmlNode *t)
{
    const char *s = t->content != NULL ? (const char *)t->content : "";
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    return s;
}

/* Length of the first line of that text, at most 40 characters (for messages). */
static int text_len(const xmlNode *t)
{
    size_t len = strcspn(text_start(t), "\r\n");
    return len > 40 ? 40 : (int)len;
}

/* Line of a text node's first non-blank character: libxml2 records the line where the text
 * ends, so count back the line breaks after it. */
static long text_line(const xmlNode *t)
{
    long line = node_line(t);
    for (const char *s = text_start(t); *s != '\0'; s++)
        line -= *s == '\n';
    return line > 0 ? line : 1;
}

static int text_is_blank(const xmlChar *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    }
    return 1;
}

/* Classifies child c of an element named parent: 1 an element to handle, 0 to skip (blank
 * text, comment, processing instruction), SQ_EINPUT anything else (text, entity reference). */
static int child_kind(const xmlNode *c, const xmlNode *parent, const char *path, sq_error *err)
{
    switch (c->type) {
    case XML_ELEMENT_NODE:
        if (c->ns != NULL)
            return fail_at(err, path, c,
                           "unknown element <%s:%s> in <%s> (namespaces are not used)",
                           (const char *)c->ns->prefix, node_name(c), node_name(parent));
        return 1;
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        if (text_is_blank(c->content))
            return 0;
        return fail_at_line(err, path, text_line(c), "unexpected text in <%s>: '%.*s'",
                            node_name(parent), text_len(c), text_start(c));
    case XML_COMMENT_NODE:
    case XML_PI_NODE:
        return 0;
    case XML_ENTITY_REF_NODE:
        return fail_at(err, path, c, "entity references are not allowed ('&%s;')", node_name(c));
    default:
        return fail_at(err, path, c, "unexpected content in <%s>", node_name(parent));
    }
}

/* An element that must have no element or text children. */
static int check_leaf(const xmlNode *n, const char *path, sq_error *err)
{
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        int k = child_kind(c, n, path, err);
        if (k < 0)
            return k;
        if (k == 1)
            return fail_at(err, path, c, "unexpected element <%s> inside <%s>", node_name(c),
                           node_name(n));
    }
    return 0;
}

/* Is name in the NULL-terminated list? */
static int name_in(const char *name, const char *const *list)
{
    for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
        if (strcmp(list[i], name) == 0)
            return 1;
    }
    return 0;
}

/* Fails on the first attribute of n that is not in fixed (NULL-terminated) nor in table. */
static int check_attrs(const xmlNode *n, const char *const *fixed, const pt_param *table,
                       size_t n_table, const char *path, sq_error *err)
{
    for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
        const char *name = (const char *)a->name;
        if (a->ns == NULL &&
            (name_in(name, fixed) || (table != NULL && pt_find(table, n_table, name) != NULL)))
            continue;
        char allowed[768] = "";
        for (size_t i = 0; fixed != NULL && fixed[i] != NULL; i++)
            buf_append(allowed, sizeof allowed, "%s%s", i ? ", " : "", fixed[i]);
        if (table != NULL)
            buf_append_params(allowed, sizeof allowed, table, n_table, allowed[0] == '\0');
        return fail_at(err, path, n, "unknown attribute '%s%s%s' on <%s> (allowed: %s)",
                       a->ns != NULL ? (const char *)a->ns->prefix : "", a->ns != NULL ? ":" : "",
                       name, node_name(n), allowed);
    }
    return 0;
}

/* Copies attribute name of n into buf. 1 present, 0 absent, SQ_EINPUT too long. */
static int attr_get(const xmlNode *n, const char *name, char *buf, size_t len, const char *path,
                    sq_error *err)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (v == NULL)
        return 0;
    size_t vlen = strlen((const char *)v);
    if (vlen >= len) {
        xmlFree(v);
        return fail_at(err, path, n, "attribute '%s' is longer than %zu characters", name, len - 1);
    }
    memcpy(buf, v, vlen + 1);
    xmlFree(v);
    return 1;
}

/* Reads a numeric attribute through a one-off parameter description (same parsing and
 * messages as the tables). Absent: def if !required, else an error. */
static int attr_number(const xmlNode *n, const char *name, pt_type type, double min, double max,
                       int required, double def, double *out, const char *path, sq_error *err)
{
    char text[SQ_ATTR_MAX];
    int rc = attr_get(n, name, text, sizeof text, path, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        if (required)
            return fail_at(err, path, n, "missing required attribute '%s' on <%s>", name,
                           node_name(n));
        *out = def;
        return 0;
    }
    const pt_param p = {name, "", type, def, min, max, NULL, 0, NULL, NULL, 0};
    char msg[512];
    if (pt_parse(&p, text, out, msg, sizeof msg) != 0)
        return fail_at(err, path, n, "attribute '%s': %s", name, msg);
    return 0;
}

static int attr_u32(const xmlNode *n, const char *name, double min, double max, int required,
                    uint32_t def, uint32_t *out, const char *path, sq_error *err)
{
    double v = 0.0;
    int rc = attr_number(n, name, PT_INT, min, max, required, def, &v, path, err);
    if (rc == 0)
        *out = (uint32_t)v;
    return rc;
}

/* Reads a table parameter from attribute text into base (struct the table describes). */
static int attr_param(const xmlNode *n, const pt_param *p, void *base, const char *path,
                      sq_error *err)
{
    char text[SQ_ATTR_MAX];
    int rc = attr_get(n, p->name, text, sizeof text, path, err);
    if (rc <= 0)
        return rc;
    double v = 0.0;
    char msg[512];
    if (pt_parse(p, text, &v, msg, sizeof msg) != 0)
        return fail_at(err, path, n, "attribute '%s': %s", p->name, msg);
    pt_set(p, base, v);
    return 0;
}

/* ================================================================== step 1: read and parse */

/* What a file that is not regular is, for messages. */
static const char *file_kind(mode_t mode)
{
    return S_ISDIR(mode)    ? "a directory"
           : S_ISFIFO(mode) ? "a FIFO"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISSOCK(mode) ? "a socket"
                            : "not a regular file";
}

/* Opening a FIFO for reading blocks until a writer appears, and opening a device can have side
 * effects, so a file is first looked at with stat() (no open at all for anything else), then
 * opened with O_NONBLOCK (which cannot block even if the path was swapped for a FIFO in
 * between) and checked again with fstat() on what was actually opened. O_NONBLOCK is then
 * cleared: it means nothing for a regular file, but reads should not depend on it. */
int sq_open_regular(const char *path, const char **kind)
{
    assert(path != NULL && kind != NULL);
    struct stat st;
    *kind = NULL;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISREG(st.st_mode)) {
        *kind = file_kind(st.st_mode);
        errno = 0;
        return -1;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int flags;
    if (fstat(fd, &st) != 0 || (flags = fcntl(fd, F_GETFL)) < 0 ||
        (S_ISREG(st.st_mode) && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        *kind = file_kind(st.st_mode);
        errno = 0;
        return -1;
    }
    return fd;
}

/* Where a file's bytes come from: a built-in entry or a file read into memory. */
typedef struct sq_source {
    const char *text;           /* the bytes (borrowed from the built-in or owned_text) */
    size_t len;                 /* bytes in text */
    const char *path;           /* path for messages: built-in path or path_buf */
    char *owned_text;           /* malloc'ed file contents, or NULL */
    int open_errno;             /* errno of a failed open (source_open returned 1) */
    char path_buf[SQ_PATH_MAX]; /* the resolved file path */
} sq_source;

static void source_close(sq_source *src)
{
    free(src->owned_text);
    src->owned_text = NULL;
}

/* source_open's result for an existing path that is not a regular file (a FIFO, a directory,
 * a device): err holds "'PATH' is a FIFO, not a regular file", without a prefix. */
#define SOURCE_NOT_REGULAR 2

/* Resolves ref: first a built-in name in list (if list is not NULL), then a file, relative to
 * dir when dir is not NULL and ref is relative. Returns 0 (src filled; source_close it), 1 if
 * neither exists (src->open_errno says why), SOURCE_NOT_REGULAR, SQ_EINPUT (too large) or
 * SQ_ERUNTIME. A FIFO or device is refused before it is opened in a way that could block. */
static int source_open(sq_source *src, const sq_builtin *list, size_t n, const char *ref,
                       const char *dir, sq_error *err)
{
    int rc = SQ_OK;
    memset(src, 0, sizeof *src);

    const sq_builtin *b = list != NULL ? sq_builtin_find(list, n, ref) : NULL;
    if (b != NULL) {
        src->text = b->text;
        src->len = b->len;
        src->path = b->path;
        return SQ_OK;
    }

    int w = dir != NULL && ref[0] != '/'
                ? snprintf(src->path_buf, sizeof src->path_buf, "%s/%s", dir, ref)
                : snprintf(src->path_buf, sizeof src->path_buf, "%s", ref);
    if (w < 0 || (size_t)w >= sizeof src->path_buf) {
        src->open_errno = ENAMETOOLONG;
        return 1;
    }
    src->path = src->path_buf;

    const char *kind = NULL;
    int fd = sq_open_regular(src->path_buf, &kind);
    if (fd < 0 && kind != NULL) {
        sq_fail(err, SQ_EINPUT, "'%s' is %s, not a regular file", src->path, kind);
        return SOURCE_NOT_REGULAR;
    }
    if (fd < 0) {
        src->open_errno = errno;
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: cannot read '%s': %s", src->path, strerror(errno));
        goto out;
    }
    if ((uint64_t)st.st_size > SQ_FILE_MAX_BYTES) {
        rc = sq_fail(err, SQ_EINPUT, "%s: file is larger than 64 MiB", src->path);
        goto out;
    }
    size_t size = (size_t)st.st_size, got = 0;
    src->owned_text = malloc(size + 1);
    if (src->owned_text == NULL) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory reading '%s'", src->path);
        goto out;
    }
    while (got < size) {
        ssize_t r = read(fd, src->owned_text + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = sq_fail(err, SQ_ERUNTIME, "squash: cannot read '%s': %s", src->path,
                         r < 0 ? strerror(errno) : "file changed while reading");
            goto out;
        }
        got += (size_t)r;
    }
    src->owned_text[size] = '\0';
    src->text = src->owned_text;
    src->len = size;

out:
    close(fd);
    if (rc != SQ_OK)
        source_close(src);
    return rc;
}

/* Records an input of the experiment being loaded (rec; NULL when not loading one): a file by
 * its resolved absolute path, an embedded one as "builtin:PATH", each once. The SHA-256 of its
 * bytes makes it part of the run's identity (squash.state, summary.json). */
static int input_record(sq_experiment *rec, const sq_source *src, sq_error *err)
{
    if (rec == NULL)
        return SQ_OK;
    sq_input in;
    char *abs = src->owned_text != NULL ? realpath(src->path, NULL) : NULL;
    int w = snprintf(in.path, sizeof in.path, "%s%s",
                     src->owned_text != NULL ? "" : "builtin:", abs != NULL ? abs : src->path);
    free(abs);
    if (w < 0 || (size_t)w >= sizeof in.path)
        return sq_fail(err, SQ_EINPUT, "squash: path too long: %.64s...", src->path);
    sq_sha256_hex(src->text, src->len, in.sha256);
    for (size_t i = 0; i < rec->n_inputs; i++)
        if (strcmp(rec->inputs[i].path, in.path) == 0)
            return SQ_OK;
    if (rec->n_inputs == SQ_INPUTS_MAX) /* 1 + network + accelerator + presets nest <= 4 */
        return sq_fail(err, SQ_EINPUT, "%s: more than %d input files", src->path, SQ_INPUTS_MAX);
    rec->inputs[rec->n_inputs++] = in;
    return SQ_OK;
}

/* The message of a top-level source_open that met a file that is not regular (err holds the
 * reason without a prefix). */
static int source_not_regular(sq_error *err)
{
    if (err != NULL) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        sq_fail(err, SQ_EINPUT, "squash: %s (squash reads inputs from regular files only)", why);
    }
    return SQ_EINPUT;
}

/* What the parse hooks record (the parser context's _private). */
typedef struct parse_state {
    int doctype;         /* 1 once a <!DOCTYPE> was met */
    long doctype_line;   /* its line */
    int error;           /* 1 once an error was reported */
    long error_line;     /* line of the first error */
    char error_msg[512]; /* libxml2's message of the first error, without the newline */
} parse_state;

/* Structured error handler of one parser context: keeps the first error (libxml2 goes on after
 * some errors, and its last one is often a consequence, "Premature end of data"). */
static void parse_error(void *ctx, xmlError *e)
{
    xmlParserCtxt *ctxt = ctx;
    parse_state *st = ctxt->_private;
    if (st->error || e == NULL || e->level < XML_ERR_ERROR)
        return;
    st->error = 1;
    st->error_line = e->line;
    snprintf(st->error_msg, sizeof st->error_msg, "%s",
             e->message != NULL ? e->message : "the parser gave no reason");
    size_t m = strlen(st->error_msg);
    while (m > 0 && (st->error_msg[m - 1] == '\n' || st->error_msg[m - 1] == ' '))
        st->error_msg[--m] = '\0';
}

/* SAX internalSubset hook: called at every <!DOCTYPE ...>, before its internal subset (where
 * entities would be declared) is read. Records the line and stops the parser there. */
static void doctype_refuse(void *ctx, const xmlChar *name, const xmlChar *external_id,
                           const xmlChar *system_id)
{
    xmlParserCtxt *ctxt = ctx;
    parse_state *st = ctxt->_private;
    st->doctype = 1;
    st->doctype_line = ctxt->input != NULL ? (long)ctxt->input->line : 1;
    xmlStopParser(ctxt);
}

/* Scans the raw text before libxml2 sees it, for two things libxml2 gets wrong:
 *   - a NUL byte: libxml2 stops reading at it and reports the document well formed, so whatever
 *     follows (a second half of the file) would be silently ignored. Refused with its line.
 *   - too many attributes on one element: libxml2 2.9 looks for a duplicate attribute by
 *     comparing each new attribute with all earlier ones, so an element with 200 000 attributes
 *     takes minutes to parse. No squash element has more than a few dozen (the largest table,
 *     the technology constants, has 19 entries), so more than SQ_XML_ATTRS_MAX is refused; the
 *     quadratic check then costs at most 128²/2 comparisons per element.
 * Attributes are counted as the quoted values inside a start tag; comments, CDATA sections,
 * processing instructions, declarations and end tags are skipped whole, so text in them (or a
 * quote or '>' inside a value) is not counted. Malformed markup is left to libxml2, which
 * reports it. One pass, linear in the file. */
static int xml_prescan(const char *text, size_t len, const char *path, sq_error *err)
{
    enum { TEXT, COMMENT, CDATA, PI, DECL, END_TAG, TAG, VALUE } state = TEXT;
    long line = 1, tag_line = 1;
    size_t tag_start = 0, attrs = 0;
    char quote = 0;
#define PRESCAN_AT(i, lit)                                                                         \
    (len - (i) >= sizeof lit - 1 && memcmp(text + (i), lit, sizeof lit - 1) == 0)
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\0')
            return fail_at_line(err, path, line,
                                "NUL byte in the file (XML text cannot contain one; is the file "
                                "binary, truncated or UTF-16?)");
        if (c == '\n')
            line++;
        switch (state) {
        case TEXT:
            if (c != '<')
                break;
            if (PRESCAN_AT(i, "<!--")) {
                state = COMMENT;
                i += 3;
            } else if (PRESCAN_AT(i, "<![CDATA[")) {
                state = CDATA;
                i += 8;
            } else if (PRESCAN_AT(i, "<?")) {
                state = PI;
                i += 1;
            } else if (PRESCAN_AT(i, "<!")) {
                state = DECL;
            } else if (PRESCAN_AT(i, "</")) {
                state = END_TAG;
            } else {
                state = TAG;
                tag_line = line;
                tag_start = i + 1;
                attrs = 0;
            }
            break;
        case COMMENT:
            if (PRESCAN_AT(i, "-->")) {
                state = TEXT;
                i += 2;
            }
            break;
        case CDATA:
            if (PRESCAN_AT(i, "]]>")) {
                state = TEXT;
                i += 2;
            }
            break;
        case PI:
            if (PRESCAN_AT(i, "?>")) {
                state = TEXT;
                i += 1;
            }
            break;
        case DECL:
        case END_TAG:
            if (c == '>')
                state = TEXT;
            break;
        case TAG:
            if (c == '>') {
                state = TEXT;
            } else if (c == '"' || c == '\'') {
                quote = c;
                state = VALUE;
                if (++attrs > SQ_XML_ATTRS_MAX)
                    return fail_at_line(err, path, tag_line,
                                        "element <%.*s> has more than %d attributes",
                                        (int)strcspn(text + tag_start, " \t\r\n/>=\"'"),
                                        text + tag_start, SQ_XML_ATTRS_MAX);
            }
            break;
        case VALUE:
            if (c == quote)
                state = TAG;
            break;
        }
    }
#undef PRESCAN_AT
    return SQ_OK;
}

/* Parses text into *out (owned: xmlFreeDoc). Errors are "PATH:LINE: ..." SQ_EINPUT. */
static int xml_parse(xmlDoc **out, const char *text, size_t len, const char *path, sq_error *err)
{
    int rc = SQ_OK;
    xmlParserCtxt *ctxt = NULL;
    xmlDoc *doc = NULL;
    parse_state st;
    memset(&st, 0, sizeof st);
    *out = NULL;

    if (len > SQ_FILE_MAX_BYTES)
        return sq_fail(err, SQ_EINPUT, "%s: file is larger than 64 MiB", path);
    if ((rc = xml_prescan(text, len, path, err)) != SQ_OK)
        return rc;
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL || ctxt->sax == NULL) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory parsing '%s'", path);
        goto out;
    }
    /* Hooks on this context only (its own SAX handler copy): no global state is touched. */
    ctxt->_private = &st;
    ctxt->sax->internalSubset = doctype_refuse;
    ctxt->sax->serror = parse_error;
    doc = xmlCtxtReadMemory(ctxt, text, (int)len, path, NULL, SQ_XML_OPTIONS);
    if (st.doctype) {
        rc = sq_fail(err, SQ_EINPUT,
                     "%s:%ld: <!DOCTYPE> is not allowed (squash never loads DTDs or expands "
                     "entities)",
                     path, st.doctype_line > 0 ? st.doctype_line : 1);
        goto out;
    }
    if (doc == NULL || !ctxt->wellFormed || st.error) {
        if (!st.error) { /* defensive: a failure without a reported error */
            const xmlError *e = xmlCtxtGetLastError(ctxt);
            if (e != NULL)
                parse_error(ctxt, (xmlError *)e);
        }
        rc = sq_fail(err, SQ_EINPUT, "%s:%ld: malformed XML: %s", path,
                     st.error_line > 0 ? st.error_line : 1,
                     st.error ? st.error_msg : "the parser gave no reason");
        goto out;
    }
    if (xmlDocGetRootElement(doc) == NULL) {
        rc = sq_fail(err, SQ_EINPUT, "%s:1: malformed XML: no root element", path);
        goto out;
    }
    *out = doc;
    doc = NULL;

out:
    if (doc != NULL)
        xmlFreeDoc(doc);
    if (ctxt != NULL)
        xmlFreeParserCtxt(ctxt);
    return rc;
}

/* ================================================================== networks */

static const char *const net_root_attrs[] = {"name", "top1", "source", "batch", NULL};
/* Attributes of each net_kind_form (nets/net.h), in net_kind_form order. */
static const char *const form_attrs[][12] = {
    [NET_FORM_CONV] = {"name", "in", "out", "h", "w", "kernel", "kh", "kw", "stride", "pad",
                       "groups", NULL},
    [NET_FORM_FC] = {"name", "in", "out", NULL},
    [NET_FORM_MATMUL] = {"name", "m", "n", "k", "count", "b", NULL},
    [NET_FORM_POOL] = {"name", "in", "h", "w", "kernel", "kh", "kw", "stride", "pad", NULL},
    [NET_FORM_ELEM] = {"name", "in", "h", "w", "count", NULL},
};
static const char *const matmul_b_names[] = {"activations", "weights",
                                             NULL}; /* index = b_is_weight */

/* Fills the kernel (r, s) from `kernel` or `kh` and `kw`. */
static int kernel_from_node(net_layer *l, const xmlNode *n, const char *path, sq_error *err)
{
    int rc;
    int has_kernel = xmlHasNsProp(n, (const xmlChar *)"kernel", NULL) != NULL;
    int has_kh = xmlHasNsProp(n, (const xmlChar *)"kh", NULL) != NULL;
    int has_kw = xmlHasNsProp(n, (const xmlChar *)"kw", NULL) != NULL;
    if (has_kernel && (has_kh || has_kw))
        return fail_at(err, path, n, "give either 'kernel' or 'kh' and 'kw' on <%s>, not both",
                       node_name(n));
    if (has_kernel) {
        if ((rc = attr_u32(n, "kernel", 1, SQ_DIM_MAX, 1, 0, &l->r, path, err)) != 0)
            return rc;
        l->s = l->r;
        return 0;
    }
    if (!has_kh && !has_kw)
        return fail_at(err, path, n,
                       "missing required attribute 'kernel' (or 'kh' and 'kw') on <%s>",
                       node_name(n));
    if ((rc = attr_u32(n, "kh", 1, SQ_DIM_MAX, 1, 0, &l->r, path, err)) != 0 ||
        (rc = attr_u32(n, "kw", 1, SQ_DIM_MAX, 1, 0, &l->s, path, err)) != 0)
        return rc;
    return 0;
}

/* Fills the shape of a conv layer from its element. */
static int conv_from_node(net_layer *l, const xmlNode *n, const char *path, sq_error *err)
{
    int rc;
    if ((rc = attr_u32(n, "in", 1, SQ_DIM_MAX, 1, 0, &l->c, path, err)) != 0 ||
        (rc = attr_u32(n, "out", 1, SQ_DIM_MAX, 1, 0, &l->k, path, err)) != 0 ||
        (rc = attr_u32(n, "h", 1, SQ_DIM_MAX, 1, 0, &l->h, path, err)) != 0 ||
        (rc = attr_u32(n, "w", 1, SQ_DIM_MAX, 1, 0, &l->w, path, err)) != 0 ||
        (rc = attr_u32(n, "stride", 1, SQ_DIM_MAX, 0, 1, &l->stride, path, err)) != 0 ||
        (rc = attr_u32(n, "pad", 0, SQ_DIM_MAX, 0, 0, &l->pad, path, err)) != 0 ||
        (rc = attr_u32(n, "groups", 1, SQ_DIM_MAX, 0, 1, &l->groups, path, err)) != 0)
        return rc;
    return kernel_from_node(l, n, path, err);
}

/* Fills the shape of a non-MAC layer (pooling or element-wise): channel-wise, K = C = G, no
 * weights (net.h). Pooling has a window; element-wise kinds are 1×1 and may repeat (count). */
static int channelwise_from_node(net_layer *l, const xmlNode *n, int pool, const char *path,
                                 sq_error *err)
{
    int rc;
    if ((rc = attr_u32(n, "in", 1, SQ_DIM_MAX, 1, 0, &l->c, path, err)) != 0 ||
        (rc = attr_u32(n, "h", 1, SQ_DIM_MAX, pool, 1, &l->h, path, err)) != 0 ||
        (rc = attr_u32(n, "w", 1, SQ_DIM_MAX, pool, 1, &l->w, path, err)) != 0)
        return rc;
    l->k = l->groups = l->c;
    l->b_is_weight = 0;
    if (!pool)
        return attr_u32(n, "count", 1, SQ_DIM_MAX, 0, 1, &l->count, path, err);
    if ((rc = attr_u32(n, "stride", 1, SQ_DIM_MAX, 0, 1, &l->stride, path, err)) != 0 ||
        (rc = attr_u32(n, "pad", 0, SQ_DIM_MAX, 0, 0, &l->pad, path, err)) != 0)
        return rc;
    return kernel_from_node(l, n, path, err);
}

/* The kinds' names for the message on an unknown element: "conv, fc, ..., norm". */
static void kind_list(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < NET_N_KINDS && used < len; k++) {
        int w = snprintf(buf + used, len - used, "%s%s", k ? ", " : "", net_kinds[k].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* Builds one layer from an element named after its kind (net_kinds: <conv>, <maxpool>, ...). */
static int layer_from_node(net_layer *l, const xmlNode *n, uint32_t batch, const char *path,
                           sq_error *err)
{
    int rc;
    memset(l, 0, sizeof *l);
    l->n = batch;
    l->stride = 1;
    l->pad = 0;
    l->groups = 1;
    l->count = 1;
    l->b_is_weight = 1;
    l->density = 1.0;
    l->meta_bits = 0.0;
    l->r = l->s = 1;
    l->h = l->w = 1;

    int kind = n->type == XML_ELEMENT_NODE && n->ns == NULL ? net_kind_find(node_name(n)) : -1;
    if (kind < 0) {
        char kinds[256];
        kind_list(kinds, sizeof kinds);
        return fail_at(err, path, n, "unknown element <%s> in <network> (expected %s)",
                       node_name(n), kinds);
    }
    l->kind = (net_kind)kind;
    const net_kind_form form = net_kinds[kind].form;
    if ((rc = check_attrs(n, form_attrs[form], NULL, 0, path, err)) != 0)
        return rc;
    if ((rc = check_leaf(n, path, err)) != 0)
        return rc;

    char name[SQ_ATTR_MAX];
    rc = attr_get(n, "name", name, sizeof name, path, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return fail_at(err, path, n, "missing required attribute 'name' on <%s>", node_name(n));
    if (name[0] == '\0')
        return fail_at(err, path, n, "attribute 'name' is empty");
    if (strlen(name) >= sizeof l->name)
        return fail_at(err, path, n, "layer name '%.40s...' is longer than %d characters", name,
                       NET_NAME_MAX - 1);
    memcpy(l->name, name, strlen(name) + 1);

    switch (form) {
    case NET_FORM_CONV:
        rc = conv_from_node(l, n, path, err);
        break;
    case NET_FORM_FC:
        if ((rc = attr_u32(n, "in", 1, SQ_DIM_MAX, 1, 0, &l->c, path, err)) == 0)
            rc = attr_u32(n, "out", 1, SQ_DIM_MAX, 1, 0, &l->k, path, err);
        break;
    case NET_FORM_MATMUL: {
        uint32_t m = 0;
        if ((rc = attr_u32(n, "m", 1, SQ_DIM_MAX, 1, 0, &m, path, err)) != 0 ||
            (rc = attr_u32(n, "n", 1, SQ_DIM_MAX, 1, 0, &l->k, path, err)) != 0 ||
            (rc = attr_u32(n, "k", 1, SQ_DIM_MAX, 1, 0, &l->c, path, err)) != 0 ||
            (rc = attr_u32(n, "count", 1, SQ_DIM_MAX, 0, 1, &l->count, path, err)) != 0)
            break;
        l->h = m;
        l->w = 1;
        const pt_param b = {"b", "", PT_ENUM, 1, 0, 0, matmul_b_names, 0, NULL, NULL, 0};
        int b_is_weight = 1;
        rc = attr_param(n, &b, &b_is_weight, path, err);
        l->b_is_weight = b_is_weight;
        break;
    }
    case NET_FORM_POOL:
    case NET_FORM_ELEM:
        rc = channelwise_from_node(l, n, form == NET_FORM_POOL, path, err);
        break;
    }
    if (rc != 0)
        return rc;

    char msg[512] = "";
    if (net_layer_finish(l, msg, sizeof msg) != 0)
        return fail_at(err, path, n, "%s", msg); /* msg names the layer */
    return 0;
}

/* ------------------------------------------------------------------ counts that must not wrap
 *
 * The models count in uint64_t. Every factor of a layer is at most 2^24 and there are up to
 * eight of them, so a count derived from a layer could wrap 64 bits (a conv with 65535 input
 * channels at 2^24 x 2^24 has 2^64 - 2^48 input activations, and reported 65535 DRAM bytes).
 * Every count is therefore computed here in long double (exact to 2^64, and no wrap beyond)
 * and checked before a model sees the layer: the MACs against 2^52 (as before), and the
 * largest value each count of the systolic template can reach on ANY design of its ranges
 * against 2^63, for the layer and summed over the network (eval adds the layers up). The
 * largest multipliers the model applies to the layer's counts (systolic.c):
 *   - operands of up to 32 bits (wbits, abits), so 4 bytes per element;
 *   - precision: W' · passes <= (32 / mac_bits_min)^2 + 1 = 1025 times the window W
 *     (bit-serial and fixed passes, or bit-fusion's packed window, plus one for its ceil);
 *   - a fold costs up to 2·rows + cols <= 3 · 4096 cycles of fill and drain, so compute cycles
 *     <= 1025 · reps · (M·F·W + 12288 · max(W·F, F·M, W·M)) over the three dataflows;
 *   - SRAM: inputs and weights restreamed per fold (<= 32 bits · M·F·W each), and partial sums
 *     written and read per window fold: M·F·(1025·W)·2·acc_bits (acc_bits <= 64);
 *   - DRAM: tiles of a quarter of the smallest buffer (1 KB: 256 bytes), one operand refetched
 *     per tile of the other: Wb + Ib + Ob + (Wb/256 + 1)·Ib, and the same the other way round
 *     (both products are computed);
 *   - memory cycles: DRAM bytes · freq_mhz_max·1e6 / (dram_gbps_min·1e9) (500 per byte).
 * The ranges are read from the template's table, so tightening or widening them moves these
 * bounds with them. The price of a bound that holds for every design: the DRAM refetch term is
 * quadratic in a layer's size, so the largest layers are refused although most designs would
 * count them exactly (GPT-3's 12288 × 12288 projections over 2048 tokens, 96 times, could take
 * 2.3e19 memory cycles through a 1 KB buffer at 10 MB/s and 5 GHz). BERT-large at 512 tokens,
 * and every zoo network at batch 1, are orders of magnitude inside. */

#define SQ_COUNT_MAX 9223372036854775808.0L /* 2^63: no count may pass it, even summed */

/* The ranges of the systolic template that bound what it multiplies a layer's counts by. */
typedef struct model_limits {
    long double bytes_per_elem;  /* widest operand (bytes) */
    long double slices;          /* W'·passes / W, at most (count) */
    long double fold_cycles;     /* fill and drain cycles of one fold, at most (cycles) */
    long double acc_bits;        /* widest partial sum (bits) */
    long double tile_bytes;      /* smallest DRAM tile (bytes) */
    long double cycles_per_byte; /* slowest DRAM per fastest clock (cycles/byte) */
} model_limits;

static long double table_max(const pt_param *table, size_t n, const char *name, int want_max)
{
    const pt_param *p = pt_find(table, n, name);
    assert(p != NULL);
    return p == NULL ? 0.0L : want_max ? (long double)p->max : (long double)p->min;
}

static model_limits model_limits_get(void)
{
    const hw_template *t = &hw_systolic_template;
    const pt_param *c = net_compression_params;
    size_t nc = net_compression_n_params;
    long double bits = table_max(c, nc, "wbits", 1), abits = table_max(c, nc, "abits", 1);
    if (abits > bits)
        bits = abits;
    long double mac_min = table_max(t->params, t->n_params, "mac_bits", 0);
    long double rows = table_max(t->params, t->n_params, "rows", 1);
    long double cols = table_max(t->params, t->n_params, "cols", 1);
    long double slice = ceill(bits / mac_min);
    model_limits m = {
        .bytes_per_elem = bits / 8.0L,
        .slices = slice * slice + 1.0L,
        .fold_cycles = 2.0L * rows + cols,
        .acc_bits = table_max(t->params, t->n_params, "acc_bits", 1),
        .tile_bytes = table_max(t->params, t->n_params, "glb_kb", 0) * 1024.0L / 4.0L,
        .cycles_per_byte = table_max(t->params, t->n_params, "freq_mhz", 1) * 1e6L /
                           (table_max(t->params, t->n_params, "dram_gbps", 0) * 1e9L),
    };
    return m;
}

enum { LC_MACS, LC_INPUTS, LC_OUTPUTS, LC_WEIGHTS, LC_DRAM, LC_SRAM, LC_CYCLES, LC_MEM, LC_N };
static const char *const layer_count_names[LC_N] = {
    "MACs",           "input activations", "output activations",
    "weights",        "DRAM bytes",        "buffer bytes (operands and partial sums)",
    "compute cycles", "memory cycles"};

/* The counts of layer l, and the largest each count the model derives from them can reach. */
static void layer_counts(const net_layer *l, const model_limits *m, long double out[LC_N])
{
    long double n = l->n, k = l->k, c = l->c, g = l->groups, h = l->h, w = l->w, p = l->p, q = l->q,
                r = l->r, s = l->s, count = l->count;
    long double gm = n * p * q, gf = k / g, gw = (c / g) * r * s, reps = g * count; /* GEMM */
    out[LC_MACS] = reps * gm * gf * gw;
    out[LC_INPUTS] = n * c * h * w * count;
    out[LC_OUTPUTS] = n * k * p * q * count;
    out[LC_WEIGHTS] = l->b_is_weight ? k * (c / g) * r * s * count : 0.0L;
    long double wide = gw * gf > gf * gm ? gw * gf : gf * gm;
    if (gw * gm > wide)
        wide = gw * gm;
    out[LC_CYCLES] = m->slices * reps * (gm * gf * gw + m->fold_cycles * wide);
    long double wb = m->bytes_per_elem * gf * gw, ob = m->bytes_per_elem * gm * gf;
    long double ib = m->bytes_per_elem * ceill(out[LC_INPUTS] / reps);
    out[LC_DRAM] =
        reps * (wb + ib + ob + (wb / m->tile_bytes + 1.0L) * ib + (ib / m->tile_bytes + 1.0L) * wb);
    long double bits = m->bytes_per_elem * 8.0L;
    out[LC_SRAM] = reps *
                   (gm * gf * gw * (2.0L * bits + m->slices * 2.0L * m->acc_bits) +
                    bits * (gm * gf + gw * gf)) /
                   8.0L;
    out[LC_MEM] = out[LC_DRAM] * m->cycles_per_byte;
}

/* Checks the layer's counts and adds them to sums (the network's so far). */
static int layer_counts_check(const net_layer *l, const model_limits *m, long double sums[LC_N],
                              const xmlNode *n, const char *path, sq_error *err)
{
    long double v[LC_N];
    layer_counts(l, m, v);
    if (v[LC_MACS] > SQ_NET_MACS_MAX)
        return fail_at(err, path, n, "layer '%s': %.3Lg MACs is more than squash counts (2^52)",
                       l->name, v[LC_MACS]);
    for (int i = 0; i < LC_N; i++) {
        if (v[i] >= SQ_COUNT_MAX)
            return fail_at(err, path, n,
                           "layer '%s': its %s could reach %.3Lg on a design of the template's "
                           "ranges, more than squash counts (2^63)",
                           l->name, layer_count_names[i], v[i]);
        sums[i] += v[i];
    }
    return 0;
}

/* Builds a network from a parsed document. */
/* <accuracy q_scale p_scale ptq_scale dw_factor> with <point .../> children: measured top-1 of
 * settings the user trained, and (optionally) the proxy's fitted parameters. The accuracy
 * model's parameter tables (nets/accuracy.c) drive parsing and the messages, as for the
 * templates. */
static const char *const acc_point_required[] = {"wbits", "abits", "top1", NULL};

/* A measured point's setting and its index, for finding duplicates by sorting. */
typedef struct acc_at {
    const net_acc_point *pt; /* the point (borrowed) */
    size_t index;            /* its index in net->acc_points */
} acc_at;

static int cmp_acc_at(const void *a, const void *b)
{
    const net_acc_point *x = ((const acc_at *)a)->pt, *y = ((const acc_at *)b)->pt;
#define ACC_CMP(f)                                                                                 \
    if (x->f != y->f)                                                                              \
        return x->f < y->f ? -1 : 1;
    ACC_CMP(prune)
    ACC_CMP(prune_kind)
    ACC_CMP(wbits)
    ACC_CMP(abits)
    ACC_CMP(method)
#undef ACC_CMP
    size_t i = ((const acc_at *)a)->index, j = ((const acc_at *)b)->index;
    return (i > j) - (i < j);
}

/* Fails on the first <point> (in file order) whose setting an earlier one has; by sorting, as
 * net_names_distinct, so that many points cannot make loading quadratic. */
static int acc_points_distinct(const net_network *net, const long *lines, const char *path,
                               sq_error *err)
{
    size_t n = net->n_acc_points, dup = SIZE_MAX;
    acc_at *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
    for (size_t i = 0; i < n; i++)
        v[i] = (acc_at){&net->acc_points[i], i};
    qsort(v, n, sizeof *v, cmp_acc_at);
    for (size_t i = 1; i < n; i++) {
        acc_at a = v[i - 1], b = v[i];
        a.index = b.index = 0; /* compare the settings only */
        if (cmp_acc_at(&a, &b) == 0 && v[i].index < dup)
            dup = v[i].index;
    }
    free(v);
    if (dup == SIZE_MAX)
        return SQ_OK;
    return fail_at_line(err, path, lines[dup], "a second <point> for the same setting");
}

static int acc_points_read(net_network *net, const xmlNode *n, long *lines, const char *path,
                           sq_error *err);

static int acc_from_node(net_network *net, const xmlNode *n, const char *path, sq_error *err)
{
    const size_t n_params = net_acc_n_params;
    int rc;
    if ((rc = check_attrs(n, NULL, net_acc_params_table, n_params, path, err)) != 0)
        return rc;
    net->acc = net_acc_defaults(net);
    for (size_t i = 0; i < n_params; i++) {
        if (xmlHasNsProp(n, (const xmlChar *)net_acc_params_table[i].name, NULL) != NULL)
            net->acc.set = 1;
        if ((rc = attr_param(n, &net_acc_params_table[i], &net->acc, path, err)) != 0)
            return rc;
    }
    size_t count = 0;
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        int k = child_kind(c, n, path, err);
        if (k < 0)
            return k;
        if (k == 0)
            continue;
        if (!elem_is(c, "point"))
            return fail_at(err, path, c, "unknown element <%s> in <accuracy> (expected point)",
                           node_name(c));
        count++;
    }
    if (count == 0)
        return SQ_OK;
    net->acc_points = calloc(count, sizeof *net->acc_points);
    long *lines = calloc(count, sizeof *lines); /* line of each point, for messages */
    if (!net->acc_points || !lines) {
        free(lines);
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
    }
    rc = acc_points_read(net, n, lines, path, err);
    free(lines);
    return rc;
}

/* Reads the <point> children of <accuracy> n into net->acc_points, their lines into lines. */
static int acc_points_read(net_network *net, const xmlNode *n, long *lines, const char *path,
                           sq_error *err)
{
    const size_t n_pt = net_acc_point_n_params;
    char msg[512];
    int rc;
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        net_acc_point *pt = &net->acc_points[net->n_acc_points];
        if ((rc = check_attrs(c, NULL, net_acc_point_params, n_pt, path, err)) != 0 ||
            (rc = check_leaf(c, path, err)) != 0)
            return rc;
        for (const char *const *r = acc_point_required; *r; r++) {
            if (xmlHasNsProp(c, (const xmlChar *)*r, NULL) == NULL)
                return fail_at(err, path, c, "missing required attribute '%s' on <point>", *r);
        }
        for (size_t i = 0; i < n_pt; i++) {
            pt_set(&net_acc_point_params[i], pt, net_acc_point_params[i].def);
            if ((rc = attr_param(c, &net_acc_point_params[i], pt, path, err)) != 0)
                return rc;
        }
        sw_compression cmp = net_acc_point_setting(pt);
        if (net_compression_check(&cmp, msg, sizeof msg) != 0)
            return fail_at(err, path, c, "%s", msg);
        if (pt->top1 > net->top1)
            return fail_at(err, path, c,
                           "top1=%g is above the network's baseline top1=%g (a compressed model "
                           "is not expected to beat its dense baseline; raise the baseline)",
                           pt->top1, net->top1);
        lines[net->n_acc_points++] = node_line(c);
    }
    return acc_points_distinct(net, lines, path, err);
}

/* A layer name and its position in the file, for finding duplicates by sorting. */
typedef struct name_at {
    const char *name; /* the layer's name (borrowed) */
    size_t index;     /* its index in the network */
} name_at;

static int cmp_name_at(const void *a, const void *b)
{
    const name_at *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* Fails on the first layer (in file order) whose name an earlier layer already has. By sorting
 * (name, index) pairs: O(n log n), so a network of 500 000 layers loads in about a second
 * instead of the minutes that comparing every pair took. */
static int net_names_distinct(const net_network *net, const long *lines, const char *path,
                              sq_error *err)
{
    name_at *v = malloc(net->n_layers * sizeof *v);
    if (v == NULL)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
    for (size_t i = 0; i < net->n_layers; i++)
        v[i] = (name_at){net->layers[i].name, i};
    qsort(v, net->n_layers, sizeof *v, cmp_name_at);
    size_t dup = SIZE_MAX, first = 0; /* earliest second occurrence, and its group's first */
    for (size_t i = 1; i < net->n_layers; i++) {
        /* v[i] is the second of its group when v[i - 1] is the group's first. */
        int second = strcmp(v[i].name, v[i - 1].name) == 0 &&
                     (i == 1 || strcmp(v[i - 1].name, v[i - 2].name) != 0);
        if (second && v[i].index < dup) {
            dup = v[i].index;
            first = v[i - 1].index;
        }
    }
    free(v);
    if (dup == SIZE_MAX)
        return SQ_OK;
    return fail_at_line(err, path, lines[dup], "duplicate layer name '%s' (first at line %ld)",
                        net->layers[dup].name, lines[first]);
}

static int net_from_doc(net_network **out, const xmlDoc *doc, const char *path, sq_error *err)
{
    int rc = SQ_OK;
    net_network *net = NULL;
    long *lines = NULL;           /* line of each layer, for duplicate-name messages */
    long double sums[LC_N] = {0}; /* network totals of layer_counts */
    const model_limits limits = model_limits_get(); /* what the model may multiply them by */
    const xmlNode *root = xmlDocGetRootElement(doc);
    *out = NULL;

    if (!elem_is(root, "network")) {
        rc = fail_at(err, path, root, "expected <network> as the root element, found <%s>",
                     node_name(root));
        goto out;
    }
    if ((rc = check_attrs(root, net_root_attrs, NULL, 0, path, err)) != 0)
        goto out;

    net = calloc(1, sizeof *net);
    if (net == NULL) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
        goto out;
    }
    char text[SQ_ATTR_MAX];
    if ((rc = attr_get(root, "name", text, sizeof text, path, err)) < 0)
        goto out;
    if (rc == 0) {
        rc = fail_at(err, path, root, "missing required attribute 'name' on <network>");
        goto out;
    }
    if (text[0] == '\0' || strlen(text) >= sizeof net->name) {
        rc = fail_at(err, path, root, "attribute 'name': must be 1 to %zu characters",
                     sizeof net->name - 1);
        goto out;
    }
    memcpy(net->name, text, strlen(text) + 1);
    if ((rc = attr_get(root, "source", text, sizeof text, path, err)) < 0)
        goto out;
    if (rc == 1 && strlen(text) >= sizeof net->source) {
        rc = fail_at(err, path, root, "attribute 'source' is longer than %zu characters",
                     sizeof net->source - 1);
        goto out;
    }
    if (rc == 1)
        memcpy(net->source, text, strlen(text) + 1);
    if ((rc = attr_number(root, "top1", PT_REAL, 0.0, 100.0, 0, 0.0, &net->top1, path, err)) != 0 ||
        (rc = attr_u32(root, "batch", 1, SQ_BATCH_MAX, 0, 1, &net->batch, path, err)) != 0)
        goto out;

    size_t n_elems = 0;
    const xmlNode *acc_node = NULL;
    for (const xmlNode *c = root->children; c != NULL; c = c->next) {
        int k = child_kind(c, root, path, err);
        if (k < 0) {
            rc = k;
            goto out;
        }
        if (k && elem_is(c, "accuracy")) {
            if (acc_node) {
                rc = fail_at(err, path, c, "more than one <accuracy> (first at line %ld)",
                             node_line(acc_node));
                goto out;
            }
            acc_node = c;
            continue;
        }
        n_elems += (size_t)k;
    }
    if (n_elems == 0) {
        rc = fail_at(err, path, root, "network '%s' has no layers", net->name);
        goto out;
    }
    net->layers = calloc(n_elems, sizeof *net->layers);
    lines = calloc(n_elems, sizeof *lines);
    if (net->layers == NULL || lines == NULL) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
        goto out;
    }
    for (const xmlNode *c = root->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || c == acc_node)
            continue;
        net_layer *l = &net->layers[net->n_layers];
        if ((rc = layer_from_node(l, c, net->batch, path, err)) != 0 ||
            (rc = layer_counts_check(l, &limits, sums, c, path, err)) != 0)
            goto out;
        lines[net->n_layers] = node_line(c);
        net->n_layers++;
    }
    if ((rc = net_names_distinct(net, lines, path, err)) != SQ_OK)
        goto out;
    /* Totals (summed in long double: a sum of many large layers would wrap in 64 bits). */
    if (sums[LC_MACS] > SQ_NET_MACS_MAX) {
        rc = fail_at(err, path, root,
                     "network '%s' has more than 2^52 MACs, more than squash "
                     "counts",
                     net->name);
        goto out;
    }
    for (int i = 0; i < LC_N; i++) {
        if (sums[i] >= SQ_COUNT_MAX) {
            rc = fail_at(err, path, root,
                         "network '%s': its %s summed over the layers could reach %.3Lg on a "
                         "design of the template's ranges, more than squash counts (2^63)",
                         net->name, layer_count_names[i], sums[i]);
            goto out;
        }
    }
    /* After the layers: the proxy's defaults depend on them. */
    if (acc_node && (rc = acc_from_node(net, acc_node, path, err)) != 0)
        goto out;
    *out = net;
    net = NULL;

out:
    free(lines);
    net_network_free(net);
    return rc;
}

int sq_net_load_buffer(net_network **out, const char *text, size_t len, const char *path,
                       sq_error *err)
{
    assert(out != NULL && text != NULL && path != NULL);
    xmlDoc *doc = NULL;
    *out = NULL;
    int rc = xml_parse(&doc, text, len, path, err);
    if (rc == SQ_OK)
        rc = net_from_doc(out, doc, path, err);
    if (doc != NULL)
        xmlFreeDoc(doc);
    return rc;
}

/* Loads a zoo name or a file (relative to dir if given). 1: neither exists (src says why).
 * rec: the experiment whose inputs record the file, or NULL. */
static int net_load_ref(net_network **out, const char *ref, const char *dir, sq_experiment *rec,
                        sq_error *err)
{
    sq_source src;
    *out = NULL;
    int rc = source_open(&src, sq_zoo, sq_zoo_n, ref, dir, err);
    if (rc != SQ_OK)
        return rc;
    rc = input_record(rec, &src, err);
    if (rc == SQ_OK)
        rc = sq_net_load_buffer(out, src.text, src.len, src.path, err);
    source_close(&src);
    return rc;
}

int sq_net_load(net_network **out, const char *net, sq_error *err)
{
    assert(out != NULL && net != NULL);
    int rc = net_load_ref(out, net, NULL, NULL, err);
    if (rc == SOURCE_NOT_REGULAR)
        return source_not_regular(err);
    if (rc == 1)
        return sq_fail(err, SQ_EINPUT,
                       "squash: unknown network '%s' (not a zoo name or a readable file; see "
                       "squash list nets)",
                       net);
    return rc;
}

/* ================================================================== accelerators */

static const char *const hw_root_attrs[] = {"name", "template", "preset", NULL};

static int hw_load_text(hw_config *out, const char *text, size_t len, const char *path, int depth,
                        sq_experiment *rec, sq_error *err);

/* Applies the <tech NAME="VALUE"/> overrides to cfg->tech45: the shared constants and those of
 * the design's template. */
static int tech_from_node(hw_config *cfg, const xmlNode *n, const char *path, sq_error *err)
{
    int rc;
    const hw_template *tpl = cfg->tpl;
    pt_param all[64 + HW_TECH_EXTRA_MAX]; /* copies, for the attribute check's message */
    size_t n_all = 0;
    assert(hw_tech_n_params <= 64);
    for (size_t i = 0; i < hw_tech_n_params && n_all < 64; i++)
        all[n_all++] = hw_tech_params[i];
    for (size_t i = 0; i < tpl->n_tech_params && i < HW_TECH_EXTRA_MAX; i++)
        all[n_all++] = tpl->tech_params[i];
    if ((rc = check_attrs(n, NULL, all, n_all, path, err)) != 0 ||
        (rc = check_leaf(n, path, err)) != 0)
        return rc;
    for (size_t i = 0; i < n_all; i++) {
        if ((rc = attr_param(n, &all[i], &cfg->tech45, path, err)) != 0)
            return rc;
    }
    return 0;
}

/* Finds the template named by the template attribute; fails listing the known ones. */
static int template_find(const hw_template **out, const char *name, const xmlNode *n,
                         const char *path, sq_error *err)
{
    *out = hw_template_find(name);
    if (*out != NULL)
        return 0;
    char known[512] = "";
    for (size_t i = 0; hw_templates[i] != NULL; i++)
        buf_append(known, sizeof known, "%s%s", i ? ", " : "", hw_templates[i]->name);
    return fail_at(err, path, n, "unknown template '%s' (known: %s)", name, known);
}

/* Builds a design from a parsed document; depth counts preset="..." indirections; rec (or NULL)
 * records the presets used. */
static int hw_from_doc(hw_config *out, const xmlDoc *doc, const char *path, int depth,
                       sq_experiment *rec, sq_error *err)
{
    int rc = SQ_OK;
    hw_config cfg;
    const xmlNode *root = xmlDocGetRootElement(doc);
    char name[SQ_ATTR_MAX] = "", tpl_name[SQ_ATTR_MAX] = "", preset[SQ_ATTR_MAX] = "";
    memset(&cfg, 0, sizeof cfg);

    if (!elem_is(root, "accelerator"))
        return fail_at(err, path, root, "expected <accelerator> as the root element, found <%s>",
                       node_name(root));
    int has_name = attr_get(root, "name", name, sizeof name, path, err);
    int has_tpl = attr_get(root, "template", tpl_name, sizeof tpl_name, path, err);
    int has_preset = attr_get(root, "preset", preset, sizeof preset, path, err);
    if (has_name < 0 || has_tpl < 0 || has_preset < 0)
        return SQ_EINPUT;

    const hw_template *tpl = NULL;
    if (has_tpl && (rc = template_find(&tpl, tpl_name, root, path, err)) != 0)
        return rc;
    if (has_preset) {
        const sq_builtin *b = sq_builtin_find(sq_presets, sq_presets_n, preset);
        if (b == NULL) {
            char known[512] = "";
            for (size_t i = 0; i < sq_presets_n; i++)
                buf_append(known, sizeof known, "%s%s", i ? ", " : "", sq_presets[i].name);
            return fail_at(err, path, root, "unknown preset '%s' (known: %s)", preset, known);
        }
        if (depth >= SQ_PRESET_DEPTH_MAX)
            return fail_at(err, path, root, "preset '%s': presets nest more than %d deep", preset,
                           SQ_PRESET_DEPTH_MAX);
        sq_source bsrc = {.text = b->text, .len = b->len, .path = b->path};
        if ((rc = input_record(rec, &bsrc, err)) != 0 ||
            (rc = hw_load_text(&cfg, b->text, b->len, b->path, depth + 1, rec, err)) != 0)
            return rc;
        if (tpl != NULL && tpl != cfg.tpl)
            return fail_at(err, path, root,
                           "template '%s' differs from preset '%s''s template '%s'", tpl->name,
                           preset, cfg.tpl->name);
        tpl = cfg.tpl;
    } else {
        if (tpl == NULL)
            return fail_at(err, path, root,
                           "missing required attribute 'template' on <accelerator>");
        if (!has_name)
            return fail_at(err, path, root, "missing required attribute 'name' on <accelerator>");
    }
    if (has_name) {
        if (name[0] == '\0' || strlen(name) >= sizeof cfg.name)
            return fail_at(err, path, root, "attribute 'name': must be 1 to %zu characters",
                           sizeof cfg.name - 1);
    }
    if (!has_preset)
        hw_config_init(&cfg, tpl, name);
    else if (has_name)
        memcpy(cfg.name, name, strlen(name) + 1);

    if ((rc = check_attrs(root, hw_root_attrs, tpl->params, tpl->n_params, path, err)) != 0)
        return rc;
    for (size_t i = 0; i < tpl->n_params; i++) {
        if ((rc = attr_param(root, &tpl->params[i], cfg.params, path, err)) != 0)
            return rc;
    }
    for (const xmlNode *c = root->children; c != NULL; c = c->next) {
        int k = child_kind(c, root, path, err);
        if (k < 0)
            return k;
        if (k == 0)
            continue;
        if (!elem_is(c, "tech"))
            return fail_at(err, path, c, "unknown element <%s> in <accelerator> (expected tech)",
                           node_name(c));
        if ((rc = tech_from_node(&cfg, c, path, err)) != 0)
            return rc;
    }
    char msg[512] = "";
    if (hw_config_prepare(&cfg, msg, sizeof msg) != 0)
        return fail_at(err, path, root, "%s", msg);
    *out = cfg;
    return SQ_OK;
}

static int hw_load_text(hw_config *out, const char *text, size_t len, const char *path, int depth,
                        sq_experiment *rec, sq_error *err)
{
    xmlDoc *doc = NULL;
    int rc = xml_parse(&doc, text, len, path, err);
    if (rc == SQ_OK)
        rc = hw_from_doc(out, doc, path, depth, rec, err);
    if (doc != NULL)
        xmlFreeDoc(doc);
    return rc;
}

int sq_hw_load_buffer(hw_config *out, const char *text, size_t len, const char *path, sq_error *err)
{
    assert(out != NULL && text != NULL && path != NULL);
    return hw_load_text(out, text, len, path, 0, NULL, err);
}

/* Loads a preset name or a file (relative to dir if given). 1: neither exists. rec: the
 * experiment whose inputs record the file and the presets it uses, or NULL. */
static int hw_load_ref(hw_config *out, const char *ref, const char *dir, sq_experiment *rec,
                       sq_error *err)
{
    sq_source src;
    int rc = source_open(&src, sq_presets, sq_presets_n, ref, dir, err);
    if (rc != SQ_OK)
        return rc;
    rc = input_record(rec, &src, err);
    if (rc == SQ_OK)
        rc = hw_load_text(out, src.text, src.len, src.path, 0, rec, err);
    source_close(&src);
    return rc;
}

int sq_hw_load(hw_config *out, const char *hw, sq_error *err)
{
    assert(out != NULL && hw != NULL);
    int rc = hw_load_ref(out, hw, NULL, NULL, err);
    if (rc == SOURCE_NOT_REGULAR)
        return source_not_regular(err);
    if (rc == 1)
        return sq_fail(err, SQ_EINPUT,
                       "squash: unknown accelerator '%s' (not a preset name or a readable file; "
                       "see squash list presets)",
                       hw);
    return rc;
}

/* ================================================================== --set NAME=VALUE */

/* One --set; with prepare = 0 a design change is stored without re-preparing the design (the
 * caller prepares once after the last one). */
static int set_one(hw_config *hw, sw_compression *cmp, const char *assignment, int prepare,
                   sq_error *err)
{
    assert(assignment != NULL);
    const char *eq = strchr(assignment, '=');
    if (eq == NULL || eq == assignment)
        return sq_fail(err, SQ_EINPUT, "--set %s: expected NAME=VALUE", assignment);
    char name[64];
    size_t name_len = (size_t)(eq - assignment);
    if (name_len >= sizeof name)
        return sq_fail(err, SQ_EINPUT, "--set %s: unknown parameter '%.*s'", assignment,
                       (int)name_len, assignment);
    memcpy(name, assignment, name_len);
    name[name_len] = '\0';
    const char *value_text = eq + 1;

    hw_config cfg;
    sw_compression c;
    memset(&cfg, 0, sizeof cfg);
    memset(&c, 0, sizeof c);
    if (hw != NULL)
        cfg = *hw;
    if (cmp != NULL)
        c = *cmp;
    const pt_param *p = NULL;
    void *base = NULL;
    int is_cmp = 0;
    if (hw != NULL && (p = pt_find(hw->tpl->params, hw->tpl->n_params, name)) != NULL) {
        base = cfg.params;
    } else if (cmp != NULL &&
               (p = pt_find(net_compression_params, net_compression_n_params, name)) != NULL) {
        base = &c;
        is_cmp = 1;
    } else if (hw != NULL && (p = hw_tech_param_find(hw->tpl, name)) != NULL) {
        base = &cfg.tech45;
    } else {
        char known[768] = "";
        if (hw != NULL) {
            buf_append(known, sizeof known, "template '%s': ", hw->tpl->name);
            buf_append_params(known, sizeof known, hw->tpl->params, hw->tpl->n_params, 1);
            buf_append(known, sizeof known, "; ");
        }
        buf_append(known, sizeof known, "compression: ");
        buf_append_params(known, sizeof known, net_compression_params, net_compression_n_params, 1);
        if (hw != NULL)
            buf_append(known, sizeof known, "; or a technology constant");
        return sq_fail(err, SQ_EINPUT,
                       "--set %s: unknown parameter '%s' (%s; see squash list templates)",
                       assignment, name, known);
    }

    double v = 0.0;
    char msg[512] = "";
    if (pt_parse(p, value_text, &v, msg, sizeof msg) != 0)
        return sq_fail(err, SQ_EINPUT, "--set %s: %s", assignment, msg);
    pt_set(p, base, v);
    /* A compression setting is range-checked here, per parameter, but not as a whole: the
     * combination rules (numfmt=bf needs 16 bits, nm needs prune 0.5, ...) would otherwise make
     * `--set numfmt=bf --set wbits=16 --set abits=16` fail or pass depending on the order.
     * sq_eval checks the final setting with net_compression_check. A design, by contrast, is
     * re-prepared at once: hw->tech must follow every change. */
    if (is_cmp) {
        *cmp = c;
        return SQ_OK;
    }
    if (prepare && hw_config_prepare(&cfg, msg, sizeof msg) != 0)
        return sq_fail(err, SQ_EINPUT, "--set %s: %s", assignment, msg);
    *hw = cfg;
    return SQ_OK;
}

int sq_set_apply(hw_config *hw, sw_compression *cmp, const char *assignment, sq_error *err)
{
    return set_one(hw, cmp, assignment, 1, err);
}

int sq_set_apply_all(hw_config *hw, sw_compression *cmp, const char *const *assignments, size_t n,
                     sq_error *err)
{
    hw_config cfg = *hw;
    sw_compression c = *cmp;
    char msg[512];
    int rc;
    for (size_t i = 0; i < n; i++) {
        if ((rc = set_one(&cfg, &c, assignments[i], 0, err)) != SQ_OK)
            return rc;
    }
    if (hw_config_prepare(&cfg, msg, sizeof msg) != 0)
        return sq_fail(err, SQ_EINPUT, "--set: the design with these settings is invalid: %s", msg);
    *hw = cfg;
    *cmp = c;
    return SQ_OK;
}

/* ================================================================== experiments
 *
 * <experiment name>
 *   <network ref/>                   exactly one: zoo name, or path relative to this file
 *   <accelerator ref ...params...>   exactly one: preset, or path; attributes fix template
 *     <sweep param values | from to step | from to factor/>          parameters
 *   </accelerator>
 *   <compression ...params...>       at most one; attributes fix compression parameters
 *     <sweep .../>
 *   </compression>
 *   <constraint metric min max/>     any number; at least one of min, max
 *   <objective metric goal="min|max"/>  at least two; a metric at most once
 * </experiment>
 *
 * Metric names are sq_metrics' (params.c). The design space is the product of the sweeps'
 * value counts, computed in uint64_t and capped at 2^53 so that every point id is also exact
 * in a double (space.c).
 */

#define XP_SWEEP_VALUES_MAX 1000000      /* values in one sweep */
#define XP_SPACE_MAX ((uint64_t)1 << 53) /* points: ids stay exact in a double */
#define XP_OBJECTIVES_MIN 2              /* a front needs two objectives to be one */

/* Frees what xp owns and zeroes it (xp itself is the caller's). */
static void xp_clear(sq_experiment *xp)
{
    for (size_t i = 0; i < xp->n_sweeps; i++)
        free(xp->sweeps[i].values);
    free(xp->sweeps);
    free(xp->constraints);
    free(xp->objectives);
    net_network_free(xp->net);
    memset(xp, 0, sizeof *xp);
}

/* Index of a known metric from the element's 'metric' attribute. */
static int xp_metric(int *out, const xmlNode *n, const char *path, sq_error *err)
{
    char text[SQ_ATTR_MAX];
    int rc = attr_get(n, "metric", text, sizeof text, path, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return fail_at(err, path, n, "missing required attribute 'metric' on <%s>", node_name(n));
    *out = sq_metric_find(text);
    if (*out >= 0)
        return 0;
    char known[256] = "";
    for (size_t i = 0; i < SQ_N_METRICS; i++)
        buf_append(known, sizeof known, "%s%s", i ? ", " : "", sq_metrics[i].name);
    return fail_at(err, path, n, "unknown metric '%s' (known: %s)", text, known);
}

/* Appends v to a growing value list (sweep construction). */
static int xp_push(sq_sweep *s, size_t *cap, double v, int monotone, const xmlNode *n,
                   const char *path, sq_error *err)
{
    if (s->n_values >= XP_SWEEP_VALUES_MAX)
        return fail_at(err, path, n, "sweep of '%s' has more than %d values", s->param->name,
                       XP_SWEEP_VALUES_MAX);
    if (s->n_values == *cap) {
        size_t new_cap = *cap ? 2 * *cap : 16;
        double *grown = realloc(s->values, new_cap * sizeof *grown);
        if (grown == NULL)
            return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
        s->values = grown;
        *cap = new_cap;
    }
    if (v == 0.0)
        v = 0.0; /* "-0" would print as a distinct value */
    /* A from/to sweep's values are in the range, but maybe not in the parameter's set. */
    char list[256];
    if (s->param->in_set != NULL && !s->param->in_set(v, list, sizeof list)) {
        char text[40];
        pt_format(s->param, v, text, sizeof text);
        return fail_at(err, path, n, "sweep of '%s': %s %s is not supported (one of: %s %s)",
                       s->param->name, text, s->param->unit, list, s->param->unit);
    }
    /* from/to/step and factor sequences are monotone, so a repeat (a step below the resolution
     * of the snapped values) is next to its twin; values= lists are checked by the caller. */
    if (monotone && s->n_values > 0 && s->values[s->n_values - 1] == v)
        return fail_at(err, path, n,
                       "sweep of '%s' gives the value %.17g twice (its step is below the "
                       "parameter's resolution)",
                       s->param->name, v);
    s->values[s->n_values++] = v;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Fails if a values= list names a value twice. On a sorted copy, so that a list of a million
 * values (XP_SWEEP_VALUES_MAX) takes milliseconds, not the hours of comparing every pair. The
 * value reported is the smallest repeated one, formatted as the parameter prints. */
static int xp_values_distinct(const sq_sweep *s, const xmlNode *n, const char *path, sq_error *err)
{
    double *sorted = malloc(s->n_values * sizeof *sorted);
    if (sorted == NULL)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
    memcpy(sorted, s->values, s->n_values * sizeof *sorted);
    qsort(sorted, s->n_values, sizeof *sorted, cmp_double);
    int rc = SQ_OK;
    for (size_t i = 1; i < s->n_values && rc == SQ_OK; i++) {
        if (sorted[i] == sorted[i - 1]) {
            char text[64];
            pt_format(s->param, sorted[i], text, sizeof text);
            rc = fail_at(err, path, n, "sweep of '%s': value '%s' appears twice", s->param->name,
                         text);
        }
    }
    free(sorted);
    return rc;
}

/* Rounds to 15 significant digits, so that 0 + 3·0.1 is the 0.3 a user wrote. */
static double xp_snap(double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.15g", v);
    return strtod(buf, NULL);
}

/* Builds one <sweep> over table (the parent's parameter table). */
/* table: the group's parameters; tech_tpl: for <accelerator>, the template whose technology
 * constants may be swept too (s->is_hw becomes SQ_SWEEP_TECH), else NULL. */
static int xp_sweep_from_node(sq_sweep *s, const xmlNode *n, const pt_param *table, size_t n_table,
                              const hw_template *tech_tpl, const char *parent, const char *path,
                              sq_error *err)
{
    static const char *const attrs[] = {"param", "values", "from", "to", "step", "factor", NULL};
    int rc;
    size_t cap = 0;
    xmlChar *values = NULL;
    char text[SQ_ATTR_MAX], msg[512];
    s->line = node_line(n);

    if ((rc = check_attrs(n, attrs, NULL, 0, path, err)) != 0 ||
        (rc = check_leaf(n, path, err)) != 0)
        goto out;
    if ((rc = attr_get(n, "param", text, sizeof text, path, err)) < 0)
        goto out;
    if (rc == 0) {
        rc = fail_at(err, path, n, "missing required attribute 'param' on <sweep>");
        goto out;
    }
    s->param = pt_find(table, n_table, text);
    if (s->param == NULL && tech_tpl != NULL &&
        (s->param = hw_tech_param_find(tech_tpl, text)) != NULL)
        s->is_hw = SQ_SWEEP_TECH;
    if (s->param == NULL) {
        char allowed[768] = "";
        buf_append_params(allowed, sizeof allowed, table, n_table, 1);
        if (tech_tpl != NULL)
            buf_append(allowed, sizeof allowed, "; or a technology constant");
        rc = fail_at(err, path, n, "unknown parameter '%s' for <%s> (allowed: %s)", text, parent,
                     allowed);
        goto out;
    }
    const pt_param *p = s->param;

    int has_from = xmlHasNsProp(n, (const xmlChar *)"from", NULL) != NULL;
    int has_to = xmlHasNsProp(n, (const xmlChar *)"to", NULL) != NULL;
    int has_step = xmlHasNsProp(n, (const xmlChar *)"step", NULL) != NULL;
    int has_factor = xmlHasNsProp(n, (const xmlChar *)"factor", NULL) != NULL;
    values = xmlGetNoNsProp(n, (const xmlChar *)"values");

    if (values != NULL && !has_from && !has_to && !has_step && !has_factor) {
        const char *at = (const char *)values;
        while (*at != '\0') {
            while (*at == ' ' || *at == '\t' || *at == '\n' || *at == '\r')
                at++;
            if (*at == '\0')
                break;
            size_t len = strcspn(at, " \t\n\r");
            if (len >= sizeof text) {
                rc = fail_at(err, path, n, "sweep of '%s': a value is longer than %zu characters",
                             p->name, sizeof text - 1);
                goto out;
            }
            memcpy(text, at, len);
            text[len] = '\0';
            at += len;
            double v = 0.0;
            if (pt_parse(p, text, &v, msg, sizeof msg) != 0) {
                rc = fail_at(err, path, n, "sweep of '%s': %s", p->name, msg);
                goto out;
            }
            if ((rc = xp_push(s, &cap, v, 0, n, path, err)) != 0)
                goto out;
        }
        if (s->n_values == 0)
            rc = fail_at(err, path, n, "sweep of '%s': 'values' is empty", p->name);
        else
            rc = xp_values_distinct(s, n, path, err);
        goto out;
    }
    if (values != NULL || !has_from || !has_to || has_step == has_factor) {
        rc = fail_at(err, path, n,
                     "<sweep> needs values=\"...\", or from, to and step, or from, to and factor");
        goto out;
    }
    if (p->type == PT_ENUM) {
        char choices[512] = "";
        for (size_t i = 0; p->choices[i] != NULL; i++)
            buf_append(choices, sizeof choices, "%s%s", i ? " " : "", p->choices[i]);
        rc = fail_at(err, path, n, "sweep of '%s': a choice has no range; use values=\"%s\"",
                     p->name, choices);
        goto out;
    }

    double from = 0.0, to = 0.0, by = 0.0;
    if ((rc = attr_number(n, "from", p->type, p->min, p->max, 1, 0, &from, path, err)) != 0 ||
        (rc = attr_number(n, "to", p->type, p->min, p->max, 1, 0, &to, path, err)) != 0)
        goto out;
    if (from > to) {
        rc = fail_at(err, path, n, "sweep of '%s': 'from' is greater than 'to'", p->name);
        goto out;
    }
    if (has_step) {
        if ((rc = attr_number(n, "step", p->type, -DBL_MAX, DBL_MAX, 1, 0, &by, path, err)) != 0)
            goto out;
        if (by <= 0.0) {
            rc = fail_at(err, path, n, "sweep of '%s': 'step' must be greater than 0", p->name);
            goto out;
        }
        double steps = floor((to - from) / by * (1.0 + 1e-12) + 1e-9);
        if (steps + 1.0 > XP_SWEEP_VALUES_MAX) {
            rc = fail_at(err, path, n, "sweep of '%s' has more than %d values", p->name,
                         XP_SWEEP_VALUES_MAX);
            goto out;
        }
        for (double i = 0.0; i <= steps; i += 1.0) {
            double v = p->type == PT_INT ? from + i * by : xp_snap(from + i * by);
            if ((rc = xp_push(s, &cap, v > to ? to : v, 1, n, path, err)) != 0)
                goto out;
        }
    } else {
        if ((rc = attr_number(n, "factor", p->type, -DBL_MAX, DBL_MAX, 1, 0, &by, path, err)) != 0)
            goto out;
        if (by <= 1.0 || from <= 0.0) {
            rc = fail_at(err, path, n,
                         "sweep of '%s': a 'factor' sweep needs factor > 1 and "
                         "from > 0",
                         p->name);
            goto out;
        }
        for (double v = from; v <= to * (1.0 + 1e-12); v *= by) {
            double snapped = p->type == PT_INT ? v : xp_snap(v);
            if ((rc = xp_push(s, &cap, snapped > to ? to : snapped, 1, n, path, err)) != 0)
                goto out;
        }
    }

out:
    if (values != NULL)
        xmlFree(values);
    return rc;
}

/* Reads the fixed attributes and sweeps of <accelerator> or <compression>. */
static int xp_group(sq_experiment *xp, const xmlNode *n, int is_hw, const char *path, sq_error *err)
{
    static const char *const hw_fixed[] = {"ref", NULL};
    const pt_param *table = is_hw ? xp->hw.tpl->params : net_compression_params;
    size_t n_table = is_hw ? xp->hw.tpl->n_params : net_compression_n_params;
    void *base = is_hw ? (void *)xp->hw.params : (void *)&xp->cmp;
    int rc;

    if ((rc = check_attrs(n, is_hw ? hw_fixed : NULL, table, n_table, path, err)) != 0)
        return rc;
    for (size_t i = 0; i < n_table; i++) {
        if ((rc = attr_param(n, &table[i], base, path, err)) != 0)
            return rc;
    }
    int swept = 0;
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        int k = child_kind(c, n, path, err);
        if (k < 0)
            return k;
        if (k == 0)
            continue;
        if (!elem_is(c, "sweep"))
            return fail_at(err, path, c, "unknown element <%s> in <%s> (expected sweep)",
                           node_name(c), node_name(n));
        sq_sweep *s = &xp->sweeps[xp->n_sweeps];
        s->is_hw = is_hw;
        rc = xp_sweep_from_node(s, c, table, n_table, is_hw ? xp->hw.tpl : NULL, node_name(n), path,
                                err);
        xp->n_sweeps++; /* counted even on failure so that xp_clear frees its values */
        if (rc != 0)
            return rc;
        if (xmlHasNsProp(n, (const xmlChar *)s->param->name, NULL) != NULL)
            return fail_at(err, path, c, "parameter '%s' is both fixed on <%s> and swept",
                           s->param->name, node_name(n));
        for (size_t i = 0; i + 1 < xp->n_sweeps; i++) {
            if (xp->sweeps[i].param == s->param)
                return fail_at(err, path, c, "parameter '%s' is swept twice (first at line %ld)",
                               s->param->name, xp->sweeps[i].line);
        }
        swept = 1;
    }
    /* With nothing swept the fixed design must be valid as a whole; with sweeps, a bad
     * combination is an infeasible point, not an input error. */
    char msg[512] = "";
    if (!swept && is_hw && hw_config_prepare(&xp->hw, msg, sizeof msg) != 0)
        return fail_at(err, path, n, "%s", msg);
    if (!swept && !is_hw && net_compression_check(&xp->cmp, msg, sizeof msg) != 0)
        return fail_at(err, path, n, "%s", msg);
    return 0;
}

/* The folder of path ("." if it has none), for resolving references. */
static void xp_dir(char *dir, size_t len, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, len, ".");
    else if (slash == path)
        snprintf(dir, len, "/");
    else
        snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

/* The message of a <network> / <accelerator> reference to a file that is not regular (err holds
 * the reason). */
static int ref_not_regular(sq_error *err, const char *path, const xmlNode *n)
{
    char why[sizeof err->msg] = "";
    if (err != NULL)
        snprintf(why, sizeof why, "%s", err->msg);
    return fail_at(err, path, n, "<%s ref>: %s (squash reads inputs from regular files only)",
                   node_name(n), why);
}

/* Reads the ref attribute of <network> / <accelerator>. */
static int xp_ref(char *ref, size_t len, const xmlNode *n, const char *path, sq_error *err)
{
    int rc = attr_get(n, "ref", ref, len, path, err);
    if (rc < 0)
        return rc;
    if (rc == 0 || ref[0] == '\0')
        return fail_at(err, path, n, "missing required attribute 'ref' on <%s>", node_name(n));
    return 0;
}

static int xp_from_doc(sq_experiment *xp, const xmlDoc *doc, const char *path, sq_error *err)
{
    static const char *const root_attrs[] = {"name", NULL};
    static const char *const network_attrs[] = {"ref", NULL};
    static const char *const constraint_attrs[] = {"metric", "min", "max", NULL};
    static const char *const objective_attrs[] = {"metric", "goal", NULL};
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *net_node = NULL, *hw_node = NULL, *cmp_node = NULL;
    char dir[SQ_PATH_MAX], ref[SQ_ATTR_MAX];
    int rc;
    memset(xp, 0, sizeof *xp);
    xp->cmp = net_compression_default();
    xp_dir(dir, sizeof dir, path);

    if (!elem_is(root, "experiment"))
        return fail_at(err, path, root, "expected <experiment> as the root element, found <%s>",
                       node_name(root));
    if ((rc = check_attrs(root, root_attrs, NULL, 0, path, err)) != 0)
        return rc;
    if ((rc = attr_get(root, "name", ref, sizeof ref, path, err)) < 0)
        return rc;
    if (rc == 1 && strlen(ref) >= sizeof xp->name)
        return fail_at(err, path, root, "attribute 'name' is longer than %zu characters",
                       sizeof xp->name - 1);
    if (rc == 1)
        memcpy(xp->name, ref, strlen(ref) + 1);

    /* First pass: structure, and an upper bound for each list. */
    size_t n_sweeps = 0, n_constraints = 0, n_objectives = 0;
    int cmp_first = 0; /* <compression> comes before <accelerator> */
    for (const xmlNode *c = root->children; c != NULL; c = c->next) {
        int k = child_kind(c, root, path, err);
        if (k < 0)
            return k;
        if (k == 0)
            continue;
        const xmlNode **slot = elem_is(c, "network")       ? &net_node
                               : elem_is(c, "accelerator") ? &hw_node
                               : elem_is(c, "compression") ? &cmp_node
                                                           : NULL;
        if (slot != NULL && *slot != NULL)
            return fail_at(err, path, c, "more than one <%s> (first at line %ld)", node_name(c),
                           node_line(*slot));
        if (slot != NULL) {
            *slot = c;
            cmp_first |= slot == &cmp_node && hw_node == NULL;
            for (const xmlNode *g = c->children; g != NULL; g = g->next)
                n_sweeps += g->type == XML_ELEMENT_NODE;
        } else if (elem_is(c, "constraint")) {
            n_constraints++;
        } else if (elem_is(c, "objective")) {
            n_objectives++;
        } else {
            return fail_at(err, path, c,
                           "unknown element <%s> in <experiment> (expected network, accelerator, "
                           "compression, constraint or objective)",
                           node_name(c));
        }
    }
    if (net_node == NULL)
        return fail_at(err, path, root, "experiment has no <network ref=\"...\"/>");
    if (hw_node == NULL)
        return fail_at(err, path, root, "experiment has no <accelerator ref=\"...\"/>");
    if (n_objectives < XP_OBJECTIVES_MIN)
        return fail_at(err, path, root,
                       "experiment has %zu <objective> (needs at least %d: <objective "
                       "metric=\"...\" goal=\"min|max\"/>)",
                       n_objectives, XP_OBJECTIVES_MIN);
    if (n_sweeps > SQ_SWEEPS_MAX) /* each parameter is swept at most once: never in practice */
        return fail_at(err, path, root, "experiment has more than %d sweeps", SQ_SWEEPS_MAX);
    xp->sweeps = calloc(n_sweeps + 1, sizeof *xp->sweeps);
    xp->constraints = calloc(n_constraints + 1, sizeof *xp->constraints);
    xp->objectives = calloc(n_objectives + 1, sizeof *xp->objectives);
    if (xp->sweeps == NULL || xp->constraints == NULL || xp->objectives == NULL)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);

    /* The network. */
    if ((rc = check_attrs(net_node, network_attrs, NULL, 0, path, err)) != 0 ||
        (rc = check_leaf(net_node, path, err)) != 0 ||
        (rc = xp_ref(ref, sizeof ref, net_node, path, err)) != 0)
        return rc;
    rc = net_load_ref(&xp->net, ref, dir, xp, err);
    if (rc == SOURCE_NOT_REGULAR)
        return ref_not_regular(err, path, net_node);
    if (rc == 1)
        return fail_at(err, path, net_node,
                       "unknown network '%s' (not a zoo name or a readable file relative to %s)",
                       ref, dir);
    if (rc != 0)
        return rc;

    /* The accelerator's design, then the fixed values and sweeps of <accelerator> and
     * <compression> in file order, so that the sweeps (and the id digits) are in file order. */
    if ((rc = xp_ref(ref, sizeof ref, hw_node, path, err)) != 0)
        return rc;
    rc = hw_load_ref(&xp->hw, ref, dir, xp, err);
    if (rc == SOURCE_NOT_REGULAR)
        return ref_not_regular(err, path, hw_node);
    if (rc == 1)
        return fail_at(err, path, hw_node,
                       "unknown accelerator '%s' (not a preset name or a readable file relative "
                       "to %s)",
                       ref, dir);
    if (rc != 0)
        return rc;
    if (cmp_first && (rc = xp_group(xp, cmp_node, 0, path, err)) != 0)
        return rc;
    if ((rc = xp_group(xp, hw_node, 1, path, err)) != 0)
        return rc;
    if (cmp_node != NULL && !cmp_first && (rc = xp_group(xp, cmp_node, 0, path, err)) != 0)
        return rc;

    /* Constraints and objectives. */
    for (const xmlNode *c = root->children; c != NULL; c = c->next) {
        if (elem_is(c, "constraint")) {
            sq_constraint *k = &xp->constraints[xp->n_constraints++];
            if ((rc = check_attrs(c, constraint_attrs, NULL, 0, path, err)) != 0 ||
                (rc = check_leaf(c, path, err)) != 0 ||
                (rc = xp_metric(&k->metric, c, path, err)) != 0 ||
                (rc = attr_number(c, "min", PT_REAL, -DBL_MAX, DBL_MAX, 0, -HUGE_VAL, &k->min, path,
                                  err)) != 0 ||
                (rc = attr_number(c, "max", PT_REAL, -DBL_MAX, DBL_MAX, 0, HUGE_VAL, &k->max, path,
                                  err)) != 0)
                return rc;
            if (isinf(k->min) && isinf(k->max))
                return fail_at(err, path, c, "<constraint> needs 'min', 'max' or both");
            if (k->min > k->max)
                return fail_at(err, path, c, "<constraint> has 'min' greater than 'max'");
        } else if (elem_is(c, "objective")) {
            sq_objective *o = &xp->objectives[xp->n_objectives];
            static const char *const goals[] = {"min", "max", NULL};
            const pt_param goal = {"goal", "", PT_ENUM, 0, 0, 0, goals, 0, NULL, NULL, 0};
            if ((rc = check_attrs(c, objective_attrs, NULL, 0, path, err)) != 0 ||
                (rc = check_leaf(c, path, err)) != 0 ||
                (rc = xp_metric(&o->metric, c, path, err)) != 0)
                return rc;
            if (xmlHasNsProp(c, (const xmlChar *)"goal", NULL) == NULL)
                return fail_at(err, path, c, "missing required attribute 'goal' on <objective>");
            if ((rc = attr_param(c, &goal, &o->maximize, path, err)) != 0)
                return rc;
            for (size_t i = 0; i < xp->n_objectives; i++) {
                if (xp->objectives[i].metric == o->metric)
                    return fail_at(err, path, c, "metric '%s' has more than one <objective>",
                                   sq_metrics[o->metric].name);
            }
            xp->n_objectives++;
        }
    }

    /* The product, checked before each multiplication so that it never wraps. */
    xp->space_size = 1;
    double size_approx = 1.0; /* for the message only */
    int too_big = 0;
    for (size_t i = 0; i < xp->n_sweeps; i++) {
        uint64_t n = xp->sweeps[i].n_values;
        size_approx *= (double)n;
        if (too_big || xp->space_size > XP_SPACE_MAX / n) {
            too_big = 1;
            continue;
        }
        xp->space_size *= n;
    }
    if (too_big)
        return fail_at(err, path, root,
                       "the design space has %.3g points, more than 2^53 (point ids must stay "
                       "exact in a double)",
                       size_approx);
    return SQ_OK;
}

/* Builds an owned experiment from a parsed document of text (the file's bytes). */
static int xp_build(sq_experiment **out, const xmlDoc *doc, const char *text, size_t len,
                    const char *path, sq_error *err)
{
    *out = NULL;
    sq_experiment *xp = malloc(sizeof *xp);
    if (xp == NULL)
        return sq_fail(err, SQ_ERUNTIME, "squash: out of memory loading '%s'", path);
    int rc = xp_from_doc(xp, doc, path, err); /* zeroes xp first */
    if (rc == SQ_OK && strlen(path) >= sizeof xp->path)
        rc = sq_fail(err, SQ_EINPUT, "squash: path '%.64s...' is longer than %zu characters", path,
                     sizeof xp->path - 1);
    if (rc != SQ_OK) {
        sq_experiment_free(xp);
        return rc;
    }
    memcpy(xp->path, path, strlen(path) + 1);
    sq_sha256_hex(text, len, xp->sha256);
    /* The experiment file is the first input, before the files it uses (recorded while they
     * loaded); a buffer that is no file ("(built-in default)") keeps its name as given. */
    if (xp->n_inputs == SQ_INPUTS_MAX) {
        sq_experiment_free(xp);
        return sq_fail(err, SQ_EINPUT, "%s: more than %d input files", path, SQ_INPUTS_MAX);
    }
    memmove(&xp->inputs[1], &xp->inputs[0], xp->n_inputs * sizeof xp->inputs[0]);
    xp->n_inputs++;
    char *abs = realpath(path, NULL);
    snprintf(xp->inputs[0].path, sizeof xp->inputs[0].path, "%s", abs != NULL ? abs : path);
    free(abs);
    memcpy(xp->inputs[0].sha256, xp->sha256, sizeof xp->sha256);
    *out = xp;
    return SQ_OK;
}

int sq_experiment_load_buffer(sq_experiment **out, const char *text, size_t len, const char *path,
                              sq_error *err)
{
    assert(out != NULL && text != NULL && path != NULL);
    xmlDoc *doc = NULL;
    *out = NULL;
    int rc = xml_parse(&doc, text, len, path, err);
    if (rc == SQ_OK)
        rc = xp_build(out, doc, text, len, path, err);
    if (doc != NULL)
        xmlFreeDoc(doc);
    return rc;
}

int sq_experiment_load_recorded(sq_experiment **out, const char *path, sq_error *err)
{
    if (strcmp(path, SQ_BUILTIN_XP_PATH) == 0)
        return sq_experiment_load_buffer(out, sq_default_experiment_xml,
                                         strlen(sq_default_experiment_xml), SQ_BUILTIN_XP_PATH,
                                         err);
    return sq_experiment_load(out, path, err);
}

int sq_experiment_load(sq_experiment **out, const char *path, sq_error *err)
{
    assert(out != NULL && path != NULL);
    sq_source src;
    *out = NULL;
    int rc = source_open(&src, NULL, 0, path, NULL, err);
    if (rc == SOURCE_NOT_REGULAR)
        return source_not_regular(err);
    if (rc == 1)
        return sq_fail(err, SQ_EINPUT, "squash: cannot read '%s': %s", path,
                       strerror(src.open_errno));
    if (rc != SQ_OK)
        return rc;
    rc = sq_experiment_load_buffer(out, src.text, src.len, src.path, err);
    source_close(&src);
    return rc;
}

void sq_experiment_free(sq_experiment *xp)
{
    if (xp == NULL)
        return;
    xp_clear(xp);
    free(xp);
}

/* ================================================================== squash check */

int sq_check_file(const char *path, sq_error *err)
{
    assert(path != NULL);
    sq_source src;
    xmlDoc *doc = NULL;
    int rc = source_open(&src, NULL, 0, path, NULL, err);
    if (rc == SOURCE_NOT_REGULAR)
        return source_not_regular(err);
    if (rc == 1)
        return sq_fail(err, SQ_EINPUT, "squash: cannot read '%s': %s", path,
                       strerror(src.open_errno));
    if (rc != SQ_OK)
        return rc;
    if ((rc = xml_parse(&doc, src.text, src.len, src.path, err)) != SQ_OK)
        goto out;

    const xmlNode *root = xmlDocGetRootElement(doc);
    if (elem_is(root, "network")) {
        net_network *net = NULL;
        rc = net_from_doc(&net, doc, src.path, err);
        net_network_free(net);
    } else if (elem_is(root, "accelerator")) {
        hw_config cfg;
        rc = hw_from_doc(&cfg, doc, src.path, 0, NULL, err);
    } else if (elem_is(root, "experiment")) {
        sq_experiment *xp = NULL;
        rc = xp_build(&xp, doc, src.text, src.len, src.path, err);
        sq_experiment_free(xp);
    } else {
        rc = fail_at(err, src.path, root,
                     "unknown root element <%s> (expected network, accelerator or experiment)",
                     node_name(root));
    }

out:
    if (doc != NULL)
        xmlFreeDoc(doc);
    source_close(&src);
    return rc;
}

/* ================================================================== squash calibrate */

int sq_net_save_acc(const char *in_path, const char *out_path, const net_acc_params *p,
                    sq_error *err)
{
    sq_source src;
    xmlDoc *doc = NULL;
    xmlChar *mem = NULL;
    int size = 0, rc = source_open(&src, NULL, 0, in_path, NULL, err);
    if (rc == SOURCE_NOT_REGULAR)
        return source_not_regular(err);
    if (rc == 1)
        return sq_fail(err, SQ_EINPUT, "squash: cannot read '%s': %s", in_path,
                       strerror(src.open_errno));
    if (rc != SQ_OK)
        return rc;
    if ((rc = xml_parse(&doc, src.text, src.len, src.path, err)) != SQ_OK)
        goto out;
    xmlNode *root = xmlDocGetRootElement(doc), *acc = NULL;
    if (!elem_is(root, "network")) {
        rc = fail_at(err, in_path, root, "expected <network> as the root element");
        goto out;
    }
    for (xmlNode *c = root->children; c != NULL && acc == NULL; c = c->next) {
        if (elem_is(c, "accuracy"))
            acc = c;
    }
    if (acc == NULL && (acc = xmlNewChild(root, NULL, (const xmlChar *)"accuracy", NULL)) == NULL) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
        goto out;
    }
    for (size_t i = 0; i < net_acc_n_params; i++) {
        char buf[64];
        sq_fmt_double(buf, sizeof buf, pt_get(&net_acc_params_table[i], p));
        if (xmlSetProp(acc, (const xmlChar *)net_acc_params_table[i].name, (const xmlChar *)buf) ==
            NULL) {
            rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
            goto out;
        }
    }
    xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
    if (mem == NULL || size < 0) {
        rc = sq_fail(err, SQ_ERUNTIME, "squash: out of memory");
        goto out;
    }
    sq_outfile o;
    if ((rc = sq_outfile_open(&o, out_path, err)) != SQ_OK)
        goto out;
    fwrite(mem, 1, (size_t)size, o.f);
    rc = sq_outfile_commit(&o, err);
out:
    xmlFree(mem);
    xmlFreeDoc(doc);
    source_close(&src);
    return rc;
}
