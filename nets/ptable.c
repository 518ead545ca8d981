/*
 * ptable.c — parameter tables: find, store, read back, parse and format one parameter.
 *
 * A parameter table (pt_param[], nets/ptable.h) describes the fields of a struct by name, type,
 * range and offsetof(). It is the single list behind parsing of accelerator / experiment files,
 * `--set`, sweeps, `squash list templates` and CSV columns; the template parameters, the technology
 * constants (hw_tech_params) and the compression settings (nets/net.c) all use it.
 *
 * Values travel as double: an INT is stored as uint32_t, a REAL as double, an ENUM as int (the
 * index into choices). A double holds every uint32_t exactly, so the round trip is lossless.
 *
 * Parsing is strict: the whole text must be consumed by strtod, the value must be finite, an
 * INT must be integral, and the value must lie in the closed range [min, max]. Formatting gives
 * back text that parses to the same value (shortest of %.15g / %.17g that round-trips).
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptable.h"

const pt_param *pt_find(const pt_param *table, size_t n, const char *name)
{
    assert(table != NULL || n == 0);
    assert(name != NULL);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    }
    return NULL;
}

void pt_set(const pt_param *p, void *base, double value)
{
    assert(p != NULL && base != NULL);
    unsigned char *at = (unsigned char *)base + p->offset;
    switch (p->type) {
    case PT_INT: {
        assert(value >= 0.0 && value <= (double)UINT32_MAX);
        uint32_t v = (uint32_t)value;
        memcpy(at, &v, sizeof v);
        break;
    }
    case PT_REAL:
        memcpy(at, &value, sizeof value);
        break;
    case PT_ENUM: {
        int v = (int)value;
        memcpy(at, &v, sizeof v);
        break;
    }
    }
}

double pt_get(const pt_param *p, const void *base)
{
    assert(p != NULL && base != NULL);
    const unsigned char *at = (const unsigned char *)base + p->offset;
    switch (p->type) {
    case PT_INT: {
        uint32_t v;
        memcpy(&v, at, sizeof v);
        return (double)v;
    }
    case PT_REAL: {
        double v;
        memcpy(&v, at, sizeof v);
        return v;
    }
    case PT_ENUM: {
        int v;
        memcpy(&v, at, sizeof v);
        return (double)v;
    }
    }
    assert(0 && "unknown parameter type");
    return 0.0;
}

/* Number of names in a NULL-terminated choice list. */
static size_t choices_count(const char *const *choices)
{
    size_t n = 0;
    while (choices != NULL && choices[n] != NULL)
        n++;
    return n;
}

/* Appends "a, b, c" (the choice names) to buf, which holds used bytes already. */
static void choices_list(const char *const *choices, char *buf, size_t len)
{
    size_t used = strlen(buf);
    for (size_t i = 0; choices != NULL && choices[i] != NULL && used < len; i++) {
        int w = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", choices[i]);
        if (w < 0)
            return;
        used += (size_t)w;
    }
}

/* Formats a real so that strtod gives back exactly the same double. */
static void format_real(double value, char *buf, size_t len)
{
    snprintf(buf, len, "%.15g", value);
    char *end = NULL;
    if (strtod(buf, &end) != value)
        snprintf(buf, len, "%.17g", value);
}

int pt_parse(const pt_param *p, const char *text, double *value, char *msg, size_t msg_len)
{
    assert(p != NULL && text != NULL && value != NULL && msg != NULL);
    if (p->type == PT_ENUM) {
        size_t n = choices_count(p->choices);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(p->choices[i], text) == 0) {
                *value = (double)i;
                return 0;
            }
        }
        snprintf(msg, msg_len, "unknown value '%s' (choose one of: ", text);
        choices_list(p->choices, msg, msg_len);
        size_t used = strlen(msg);
        snprintf(msg + used, msg_len - used, ")");
        return -1;
    }

    /* strtod accepts leading blanks; the file format does not. */
    char *end = NULL;
    errno = 0;
    double v = text[0] == '\0' || isspace((unsigned char)text[0]) ? NAN : strtod(text, &end);
    if (end == NULL || end == text || *end != '\0') {
        snprintf(msg, msg_len, "'%s' is not a number", text);
        return -1;
    }
    if (errno == ERANGE && fabs(v) > 1.0) {
        snprintf(msg, msg_len, "'%s' is out of the range of numbers", text);
        return -1;
    }
    if (!isfinite(v)) { /* "inf", "nan" */
        snprintf(msg, msg_len, "'%s' is not a number", text);
        return -1;
    }
    if (errno == ERANGE)
        v = 0.0; /* underflow: a denormal or zero is what the user meant */
    if (v == 0.0)
        v = 0.0; /* "-0" is 0: it must not print or compare as a value of its own */
    if (p->type == PT_INT && v != floor(v)) {
        snprintf(msg, msg_len, "'%s' is not an integer", text);
        return -1;
    }
    const char *unit = p->unit != NULL ? p->unit : "";
    const char *space = unit[0] != '\0' ? " " : "";
    if (v < p->min || v > p->max) {
        char lo[32], hi[32];
        pt_format(p, p->min, lo, sizeof lo);
        pt_format(p, p->max, hi, sizeof hi);
        snprintf(msg, msg_len, "%s%s%s is out of range %s..%s%s%s", text, space, unit, lo, hi,
                 space, unit);
        return -1;
    }
    char list[256] = "";
    if (p->in_set != NULL && !p->in_set(v, list, sizeof list)) {
        snprintf(msg, msg_len, "%s%s%s is not supported (one of: %s%s%s)", text, space, unit, list,
                 space, unit);
        return -1;
    }
    *value = v;
    return 0;
}

void pt_format(const pt_param *p, double value, char *buf, size_t buf_len)
{
    assert(p != NULL && buf != NULL && buf_len > 0);
    switch (p->type) {
    case PT_ENUM: {
        size_t n = choices_count(p->choices);
        if (value >= 0.0 && value < (double)n && value == floor(value))
            snprintf(buf, buf_len, "%s", p->choices[(size_t)value]);
        else
            snprintf(buf, buf_len, "?%.17g", value); /* defensive: not a valid index */
        break;
    }
    case PT_INT:
        if (fabs(value) < 9.0e15 && value == floor(value))
            snprintf(buf, buf_len, "%.0f", value);
        else
            format_real(value, buf, buf_len); /* defensive: not an integer */
        break;
    case PT_REAL:
        format_real(value, buf, buf_len);
        break;
    }
}

int pt_check(const pt_param *p, double v, char *msg, size_t msg_len)
{
    if (!isfinite(v)) {
        snprintf(msg, msg_len, "%s is not a finite number", p->name);
        return -1;
    }
    switch (p->type) {
    case PT_ENUM: {
        size_t n = choices_count(p->choices);
        if (v < 0.0 || v != floor(v) || v >= (double)n) {
            snprintf(msg, msg_len, "%s: choice index %g is not one of the %zu choices", p->name, v,
                     n);
            return -1;
        }
        return 0;
    }
    case PT_INT:
        if (v != floor(v)) {
            snprintf(msg, msg_len, "%s = %g is not an integer", p->name, v);
            return -1;
        }
        break;
    case PT_REAL:
        break;
    }
    if (v < p->min || v > p->max) {
        snprintf(msg, msg_len, "%s = %g is out of range [%g, %g]%s%s", p->name, v, p->min, p->max,
                 p->unit[0] != '\0' ? " " : "", p->unit);
        return -1;
    }
    return 0;
}
