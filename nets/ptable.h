/*
 * ptable.h — parameter tables: a struct described field by field (name, unit, type, default,
 * closed range, enum choices, offsetof) so that one table drives parsing, validation, sweeping,
 * listing and output columns. It sits in nets/, the lowest library, so that the network's
 * compression settings (nets/), the templates and technology constants (hwmodels/) and the
 * explorer (search/) share one type. Pure: no I/O, no allocation.
 */
#ifndef SQUASH_PTABLE_H
#define SQUASH_PTABLE_H

#include <stddef.h>

typedef enum pt_type {
    PT_INT = 0, /* stored as uint32_t at offset */
    PT_REAL,    /* stored as double at offset */
    PT_ENUM     /* stored as int (index into choices) at offset */
} pt_type;

typedef struct pt_param {
    const char *name;           /* attribute / --set / CSV column name */
    const char *unit;           /* unit for humans ("KB", "MHz", "GB/s", "" for none) */
    pt_type type;               /* storage type at offset */
    double def;                 /* default value (enum: index) */
    double min, max;            /* allowed closed range (enum: ignored) */
    const char *const *choices; /* enum value names, NULL-terminated; NULL otherwise */
    size_t offset;              /* offsetof() in the owning struct */
    const char *help;           /* one line for `squash list templates` */
    /* For a parameter whose values are a set inside [min, max] (tech_nm: the tabulated nodes),
     * whether value is one of them; if not, the set is written to list ("65, 45, ...").
     * NULL: every value in the range is allowed. */
    int (*in_set)(double value, char *list, size_t list_len);
    /* The owning table's own class of the entry, 0 when the table has none (the technology
     * tables of hwmodels/: how the constant scales with the node, an hw_scaling). */
    int cls;
} pt_param;

/* Finds a parameter by name in a table; NULL if absent. */
const pt_param *pt_find(const pt_param *table, size_t n, const char *name);
/* Stores value (enum: index) into the struct at base; no range check. */
void pt_set(const pt_param *p, void *base, double value);
/* Reads the value (enum: index) back as a double. */
double pt_get(const pt_param *p, const void *base);
/* Parses text for this parameter (number, or enum name) into *value. Returns 0, or -1 with a
 * message (not a number, out of range, not an integer, unknown choice, not in the set). */
int pt_parse(const pt_param *p, const char *text, double *value, char *msg, size_t msg_len);
/* Formats a value for output (enum: its name; int: integer; real: shortest round-trip). */
void pt_format(const pt_param *p, double value, char *buf, size_t buf_len);
/* Checks one value against its entry: finite, integral for an INT, a valid index for an ENUM,
 * within [min, max] otherwise. Returns 0, or -1 with a message naming the parameter. (The set
 * of in_set is checked by pt_parse, where the text is at hand.) */
int pt_check(const pt_param *p, double value, char *msg, size_t msg_len);

#endif
