/*
 * load.c — the loading room: network, accelerator and experiment files, XML in, const structs
 * out; this file holds the overview and `squash check`, which loads a file as whatever its
 * root element says.
 *
 * Loading runs in three steps, after ZigZag's parser [1]:
 *
 *   1. parse   — libxml2 [2] reads the bytes into a tree, with network access, DTDs and entity
 *                expansion off and any <!DOCTYPE> refused (load_xml.c). A malformed file is
 *                reported as `FILE:LINE: malformed XML: <libxml2's message>`.
 *   2. validate — every attribute is checked against its table (pt_param: the template's
 *                parameters, hw_tech_params, net_compression_params, the accuracy tables, or the
 *                layer attributes of each kind) and defaults are filled. Every error is
 *                `FILE:LINE: message` with the line of the offending element.
 *   3. build   — the net_network / hw_config / sq_experiment the models and the explorer read;
 *                hw_config_prepare and net_layer_finish do the cross-field checks, and their
 *                messages are reported at the element's line.
 *
 * The files: load_xml.c (reading, parsing, the attribute helpers of step 2), load_net.c
 * (networks, the counts bound, `squash calibrate`'s writing), load_hw.c (accelerators and
 * presets), load_set.c (--set NAME=VALUE), load_xp.c (experiments). load_private.h is what
 * they share.
 *
 * References:
 *   [1] ZigZag, zigzag/parser/ — parse, validate with defaults, build model objects.
 *   [2] libxml2 2.9 API, parser.h: xmlCtxtReadMemory, xmlParserOption; xmlerror.h.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "load_private.h"

/* ================================================================== squash check */

int sq_check_file(const char *path, sq_error *err)
{
    assert(path != NULL);
    sq_source src;
    xmlDoc *doc = NULL;
    int rc = sq_source_open(&src, NULL, 0, path, NULL, err);
    if (rc == SQ_SOURCE_NOT_REGULAR)
        return sq_source_not_regular(err);
    if (rc == 1)
        return sq_fail(err, SQ_EINPUT, "squash: cannot read '%s': %s", path,
                       strerror(src.open_errno));
    if (rc != SQ_OK)
        return rc;
    if ((rc = sq_xml_parse(&doc, src.text, src.len, src.path, err)) != SQ_OK)
        goto out;

    const xmlNode *root = xmlDocGetRootElement(doc);
    if (sq_elem_is(root, "network")) {
        net_network *net = NULL;
        rc = sq_net_from_doc(&net, doc, src.path, err);
        net_network_free(net);
    } else if (sq_elem_is(root, "accelerator")) {
        hw_config cfg;
        rc = sq_hw_from_doc(&cfg, doc, src.path, 0, NULL, err);
    } else if (sq_elem_is(root, "experiment")) {
        sq_experiment *xp = NULL;
        rc = sq_xp_build(&xp, doc, src.text, src.len, src.path, err);
        sq_experiment_free(xp);
    } else {
        rc = sq_fail_at(err, src.path, root,
                        "unknown root element <%s> (expected network, accelerator or experiment)",
                        sq_node_name(root));
    }

out:
    if (doc != NULL)
        xmlFreeDoc(doc);
    sq_source_close(&src);
    return rc;
}
