/*
 * load_xml.c — step 1 of loading (read a file and parse it) and the attribute helpers of step 2
 * that the loaders of networks (load_net.c), accelerators (load_hw.c) and experiments
 * (load_xp.c) share; the overview of the three steps is at the top of load.c.
 *
 * Reading. An input is a built-in file (a zoo network or a preset, embedded at build) or a
 * regular file read whole into memory; a FIFO or a device is refused before it is opened in a
 * way that could block (sq_open_regular), and files over 64 MiB are refused unread. Each file an
 * experiment uses is recorded with the SHA-256 of its bytes (sq_input_record).
 *
 * Parsing. libxml2 [1] never touches the network (XML_PARSE_NONET), never loads a DTD, never
 * expands entities (no XML_PARSE_NOENT / XML_PARSE_DTDLOAD), and a SAX hook refuses any
 * <!DOCTYPE> outright, stopping the parser at the declaration, before an entity is even
 * declared. XML_PARSE_BIG_LINES keeps line numbers right past 65535. A malformed file is
 * reported as `FILE:LINE: malformed XML: <libxml2's message>`, taken from the parser context's
 * own first error (one context per call: thread-safe, no global handler). xml_prescan refuses
 * what libxml2 gets wrong (a NUL byte, an element with too many attributes) before it runs.
 *
 * References:
 *   [1] libxml2 2.9 API, parser.h: xmlCtxtReadMemory, xmlParserOption; xmlerror.h.
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

#include "load_private.h"

#define SQ_FILE_MAX_BYTES ((size_t)64 << 20) /* larger files are refused unread */
#define SQ_XML_ATTRS_MAX 128                 /* attributes on one element (see xml_prescan) */

/* Parse options: no network, big line numbers, no stderr noise; and, by omission, no
 * XML_PARSE_NOENT (entity substitution) and no XML_PARSE_DTDLOAD / DTDATTR / DTDVALID. */
#define SQ_XML_OPTIONS                                                                             \
    (XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

/* ================================================================== small helpers */

/* Appends printf-style text to a NUL-terminated buf of len bytes, truncating. */
void sq_buf_append(char *buf, size_t len, const char *fmt, ...)
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
void sq_buf_append_params(char *buf, size_t len, const pt_param *table, size_t n, int first)
{
    for (size_t i = 0; i < n; i++)
        sq_buf_append(buf, len, "%s%s", first && i == 0 ? "" : ", ", table[i].name);
}

long sq_node_line(const xmlNode *n)
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

const char *sq_node_name(const xmlNode *n)
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

int sq_fail_at_line(sq_error *err, const char *path, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_line(err, path, line, fmt, ap);
    va_end(ap);
    return rc;
}

/* The same at the line of node n. */
int sq_fail_at(sq_error *err, const char *path, const xmlNode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_line(err, path, sq_node_line(n), fmt, ap);
    va_end(ap);
    return rc;
}

/* Is n the element <name> (no namespace)? */
int sq_elem_is(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns == NULL &&
           strcmp(sq_node_name(n), name) == 0;
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
    long line = sq_node_line(t);
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
int sq_child_kind(const xmlNode *c, const xmlNode *parent, const char *path, sq_error *err)
{
    switch (c->type) {
    case XML_ELEMENT_NODE:
        if (c->ns != NULL)
            return sq_fail_at(err, path, c,
                              "unknown element <%s:%s> in <%s> (namespaces are not used)",
                              (const char *)c->ns->prefix, sq_node_name(c), sq_node_name(parent));
        return 1;
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        if (text_is_blank(c->content))
            return 0;
        return sq_fail_at_line(err, path, text_line(c), "unexpected text in <%s>: '%.*s'",
                               sq_node_name(parent), text_len(c), text_start(c));
    case XML_COMMENT_NODE:
    case XML_PI_NODE:
        return 0;
    case XML_ENTITY_REF_NODE:
        return sq_fail_at(err, path, c, "entity references are not allowed ('&%s;')",
                          sq_node_name(c));
    default:
        return sq_fail_at(err, path, c, "unexpected content in <%s>", sq_node_name(parent));
    }
}

int sq_next_elem(const xmlNode *parent, const xmlNode **c, const char *path, sq_error *err)
{
    for (const xmlNode *n = *c != NULL ? (*c)->next : parent->children; n != NULL; n = n->next) {
        int k = sq_child_kind(n, parent, path, err);
        if (k != 0) {
            *c = n;
            return k;
        }
    }
    *c = NULL;
    return 0;
}

/* An element that must have no element or text children. */
int sq_check_leaf(const xmlNode *n, const char *path, sq_error *err)
{
    const xmlNode *c = NULL;
    int rc = sq_next_elem(n, &c, path, err);
    if (rc > 0)
        return sq_fail_at(err, path, c, "unexpected element <%s> inside <%s>", sq_node_name(c),
                          sq_node_name(n));
    return rc;
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
int sq_check_attrs(const xmlNode *n, const char *const *fixed, const pt_param *table,
                   size_t n_table, const char *path, sq_error *err)
{
    for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
        const char *name = (const char *)a->name;
        if (a->ns == NULL &&
            (name_in(name, fixed) || (table != NULL && pt_find(table, n_table, name) != NULL)))
            continue;
        char allowed[768] = "";
        for (size_t i = 0; fixed != NULL && fixed[i] != NULL; i++)
            sq_buf_append(allowed, sizeof allowed, "%s%s", i ? ", " : "", fixed[i]);
        if (table != NULL)
            sq_buf_append_params(allowed, sizeof allowed, table, n_table, allowed[0] == '\0');
        return sq_fail_at(err, path, n, "unknown attribute '%s%s%s' on <%s> (allowed: %s)",
                          a->ns != NULL ? (const char *)a->ns->prefix : "",
                          a->ns != NULL ? ":" : "", name, sq_node_name(n), allowed);
    }
    return 0;
}

/* Copies attribute name of n into buf. 1 present, 0 absent, SQ_EINPUT too long. */
int sq_attr_get(const xmlNode *n, const char *name, char *buf, size_t len, const char *path,
                sq_error *err)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (v == NULL)
        return 0;
    size_t vlen = strlen((const char *)v);
    if (vlen >= len) {
        xmlFree(v);
        return sq_fail_at(err, path, n, "attribute '%s' is longer than %zu characters", name,
                          len - 1);
    }
    memcpy(buf, v, vlen + 1);
    xmlFree(v);
    return 1;
}

/* Reads a numeric attribute through a one-off parameter description (same parsing and
 * messages as the tables). Absent: def if !required, else an error. */
int sq_attr_number(const xmlNode *n, const char *name, pt_type type, double min, double max,
                   int required, double def, double *out, const char *path, sq_error *err)
{
    char text[SQ_ATTR_MAX];
    int rc = sq_attr_get(n, name, text, sizeof text, path, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        if (required)
            return sq_fail_at(err, path, n, "missing required attribute '%s' on <%s>", name,
                              sq_node_name(n));
        *out = def;
        return 0;
    }
    const pt_param p = {name, "", type, def, min, max, NULL, 0, NULL, NULL, 0};
    char msg[512];
    if (pt_parse(&p, text, out, msg, sizeof msg) != 0)
        return sq_fail_at(err, path, n, "attribute '%s': %s", name, msg);
    return 0;
}

int sq_attr_u32(const xmlNode *n, const char *name, double min, double max, int required,
                uint32_t def, uint32_t *out, const char *path, sq_error *err)
{
    double v = 0.0;
    int rc = sq_attr_number(n, name, PT_INT, min, max, required, def, &v, path, err);
    if (rc == 0)
        *out = (uint32_t)v;
    return rc;
}

/* Reads a table parameter from attribute text into base (struct the table describes). */
int sq_attr_param(const xmlNode *n, const pt_param *p, void *base, const char *path, sq_error *err)
{
    char text[SQ_ATTR_MAX];
    int rc = sq_attr_get(n, p->name, text, sizeof text, path, err);
    if (rc <= 0)
        return rc;
    double v = 0.0;
    char msg[512];
    if (pt_parse(p, text, &v, msg, sizeof msg) != 0)
        return sq_fail_at(err, path, n, "attribute '%s': %s", p->name, msg);
    pt_set(p, base, v);
    return 0;
}

/* sq_attr_param for every entry of a table: the attributes present are read into base. */
int sq_attr_params(const xmlNode *n, const pt_param *table, size_t n_table, void *base,
                   const char *path, sq_error *err)
{
    int rc;
    for (size_t i = 0; i < n_table; i++) {
        if ((rc = sq_attr_param(n, &table[i], base, path, err)) != 0)
            return rc;
    }
    return 0;
}

/* ================================================================== step 1: read and parse */

const sq_builtin *sq_builtin_find(const sq_builtin *list, size_t n, const char *name)
{
    assert(list != NULL || n == 0);
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i].name, name) == 0)
            return &list[i];
    }
    return NULL;
}

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

void sq_source_close(sq_source *src)
{
    free(src->owned_text);
    src->owned_text = NULL;
}

/* Resolves ref: first a built-in name in list (if list is not NULL), then a file, relative to
 * dir when dir is not NULL and ref is relative. Returns 0 (src filled; sq_source_close it), 1 if
 * neither exists (src->open_errno says why), SQ_SOURCE_NOT_REGULAR, SQ_EINPUT (too large) or
 * SQ_ERUNTIME. A FIFO or device is refused before it is opened in a way that could block. */
int sq_source_open(sq_source *src, const sq_builtin *list, size_t n, const char *ref,
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
        return SQ_SOURCE_NOT_REGULAR;
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
        sq_source_close(src);
    return rc;
}

/* Records an input of the experiment being loaded (rec; NULL when not loading one): a file by
 * its resolved absolute path, an embedded one as "builtin:PATH", each once. The SHA-256 of its
 * bytes makes it part of the run's identity (squash.state, summary.json). */
int sq_input_record(sq_experiment *rec, const sq_source *src, sq_error *err)
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

/* The message of a top-level sq_source_open that met a file that is not regular (err holds the
 * reason without a prefix). */
int sq_source_not_regular(sq_error *err)
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
            return sq_fail_at_line(err, path, line,
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
                    return sq_fail_at_line(err, path, tag_line,
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
int sq_xml_parse(xmlDoc **out, const char *text, size_t len, const char *path, sq_error *err)
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
