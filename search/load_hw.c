/*
 * load_hw.c — accelerator files (CONTRACT.md, "Accelerator XML") into a prepared hw_config.
 *
 *   <accelerator name template preset ...template parameters...>
 *     <tech NAME="VALUE" .../>                technology constants at 45 nm (hw_tech_params)
 *   </accelerator>
 * `preset="edge-systolic"` starts from a built-in preset; the file's own attributes then
 * override its values (name and template default to the preset's). Without a preset, name
 * and template are required. Presets may use presets, at most 4 deep.
 */
#include <assert.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_private.h"

#define SQ_PRESET_DEPTH_MAX 4 /* preset="..." chains (presets using presets) */

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
    if ((rc = sq_check_attrs(n, NULL, all, n_all, path, err)) != 0 ||
        (rc = sq_check_leaf(n, path, err)) != 0)
        return rc;
    return sq_attr_params(n, all, n_all, &cfg->tech45, path, err);
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
        sq_buf_append(known, sizeof known, "%s%s", i ? ", " : "", hw_templates[i]->name);
    return sq_fail_at(err, path, n, "unknown template '%s' (known: %s)", name, known);
}

/* Builds a design from a parsed document; depth counts preset="..." indirections; rec (or NULL)
 * records the presets used. */
int sq_hw_from_doc(hw_config *out, const xmlDoc *doc, const char *path, int depth,
                   sq_experiment *rec, sq_error *err)
{
    int rc = SQ_OK;
    hw_config cfg;
    const xmlNode *root = xmlDocGetRootElement(doc);
    char name[SQ_ATTR_MAX] = "", tpl_name[SQ_ATTR_MAX] = "", preset[SQ_ATTR_MAX] = "";
    memset(&cfg, 0, sizeof cfg);

    if (!sq_elem_is(root, "accelerator"))
        return sq_fail_at(err, path, root, "expected <accelerator> as the root element, found <%s>",
                          sq_node_name(root));
    int has_name = sq_attr_get(root, "name", name, sizeof name, path, err);
    int has_tpl = sq_attr_get(root, "template", tpl_name, sizeof tpl_name, path, err);
    int has_preset = sq_attr_get(root, "preset", preset, sizeof preset, path, err);
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
                sq_buf_append(known, sizeof known, "%s%s", i ? ", " : "", sq_presets[i].name);
            return sq_fail_at(err, path, root, "unknown preset '%s' (known: %s)", preset, known);
        }
        if (depth >= SQ_PRESET_DEPTH_MAX)
            return sq_fail_at(err, path, root, "preset '%s': presets nest more than %d deep",
                              preset, SQ_PRESET_DEPTH_MAX);
        sq_source bsrc = {.text = b->text, .len = b->len, .path = b->path};
        if ((rc = sq_input_record(rec, &bsrc, err)) != 0 ||
            (rc = hw_load_text(&cfg, b->text, b->len, b->path, depth + 1, rec, err)) != 0)
            return rc;
        if (tpl != NULL && tpl != cfg.tpl)
            return sq_fail_at(err, path, root,
                              "template '%s' differs from preset '%s''s template '%s'", tpl->name,
                              preset, cfg.tpl->name);
        tpl = cfg.tpl;
    } else {
        if (tpl == NULL)
            return sq_fail_at(err, path, root,
                              "missing required attribute 'template' on <accelerator>");
        if (!has_name)
            return sq_fail_at(err, path, root,
                              "missing required attribute 'name' on <accelerator>");
    }
    if (has_name) {
        if (name[0] == '\0' || strlen(name) >= sizeof cfg.name)
            return sq_fail_at(err, path, root, "attribute 'name': must be 1 to %zu characters",
                              sizeof cfg.name - 1);
    }
    if (!has_preset)
        hw_config_init(&cfg, tpl, name);
    else if (has_name)
        memcpy(cfg.name, name, strlen(name) + 1);

    if ((rc = sq_check_attrs(root, hw_root_attrs, tpl->params, tpl->n_params, path, err)) != 0)
        return rc;
    if ((rc = sq_attr_params(root, tpl->params, tpl->n_params, cfg.params, path, err)) != 0)
        return rc;
    const xmlNode *c = NULL;
    while ((rc = sq_next_elem(root, &c, path, err)) > 0) {
        if (!sq_elem_is(c, "tech"))
            return sq_fail_at(err, path, c, "unknown element <%s> in <accelerator> (expected tech)",
                              sq_node_name(c));
        if ((rc = tech_from_node(&cfg, c, path, err)) != 0)
            return rc;
    }
    if (rc < 0)
        return rc;
    char msg[512] = "";
    if (hw_config_prepare(&cfg, msg, sizeof msg) != 0)
        return sq_fail_at(err, path, root, "%s", msg);
    *out = cfg;
    return SQ_OK;
}

static int hw_load_text(hw_config *out, const char *text, size_t len, const char *path, int depth,
                        sq_experiment *rec, sq_error *err)
{
    xmlDoc *doc = NULL;
    int rc = sq_xml_parse(&doc, text, len, path, err);
    if (rc == SQ_OK)
        rc = sq_hw_from_doc(out, doc, path, depth, rec, err);
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
int sq_hw_load_ref(hw_config *out, const char *ref, const char *dir, sq_experiment *rec,
                   sq_error *err)
{
    sq_source src;
    int rc = sq_source_open(&src, sq_presets, sq_presets_n, ref, dir, err);
    if (rc != SQ_OK)
        return rc;
    rc = sq_input_record(rec, &src, err);
    if (rc == SQ_OK)
        rc = hw_load_text(out, src.text, src.len, src.path, 0, rec, err);
    sq_source_close(&src);
    return rc;
}

int sq_hw_load(hw_config *out, const char *hw, sq_error *err)
{
    assert(out != NULL && hw != NULL);
    int rc = sq_hw_load_ref(out, hw, NULL, NULL, err);
    if (rc == SQ_SOURCE_NOT_REGULAR)
        return sq_source_not_regular(err);
    if (rc == 1)
        return sq_fail(err, SQ_EINPUT,
                       "squash: unknown accelerator '%s' (not a preset name or a readable file; "
                       "see squash list presets)",
                       hw);
    return rc;
}
