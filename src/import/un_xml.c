/* un_xml.c - the UN Security Council consolidated list (XML, libxml2). */
#include "import/import_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/names.h"
#include "gazetteer/countries.h"
#include "util/buf.h"

/* ---- UN Security Council consolidated list (XML) -------------------------------- */

static xmlNode *child(xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

/* Appends the text of n's subtree: text and CDATA only. Entity references
 * are not followed (declaring entities is refused at parse time anyway), so
 * unlike xmlNodeGetContent nothing here can expand one. */
static int collect_text(sanctagp_buf *b, const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        int rc = 0;
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            rc = sanctagp_buf_put(b, (const char *)c->content, strlen((const char *)c->content));
        else if (c->type == XML_ELEMENT_NODE)
            rc = collect_text(b, c);
        if (rc)
            return rc;
    }
    return 0;
}

/* Trimmed text content of node (owned), NULL when absent or empty. */
static char *node_text(xmlNode *n)
{
    if (!n)
        return NULL;
    sanctagp_buf b = {0};
    char *t = NULL;
    if (sanctagp_buf_put(&b, "", 0) == 0 && collect_text(&b, n) == 0)
        t = sanctagp_clean_name(b.p);
    sanctagp_buf_release(&b);
    if (t && !*t) {
        free(t);
        return NULL;
    }
    return t;
}

static char *child_text(xmlNode *n, const char *name)
{
    return node_text(child(n, name));
}

/* Words that make an entity name a company or body rather than a ship. */
static int org_word_in(const char *name)
{
    static const char *const words[] = {
        "company", "co", "corp", "corporation", "ltd", "limited", "inc", "llc", "jv", "group",
        "shipping", "trading", "trade", "bank", "banking", "holding", "holdings", "marine",
        "maritime", "management", "international", "enterprise", "enterprises", "industry",
        "industries", "department", "bureau", "ministry", "committee", "office", "academy",
        "agency", "association", "organization", "organisation", "front", "party", "army",
        "force", "forces", "pte", "sa", "gmbh", "fze", "fzc", "llp", "plc", "bhd", "sdn", "oil",
        "energy", "freight", "logistics", "services", "navigation", "lines", "line", "center",
        "centre", "commission", "general", "network", "brigade", "battalion", "movement",
    };
    const char *p = name;
    while (*p) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *w = p;
        while (*p && isalnum((unsigned char)*p))
            p++;
        for (size_t i = 0; p > w && i < sizeof words / sizeof *words; i++)
            if (sanctagp_lower_ascii_eq(w, (size_t)(p - w), words[i]))
                return 1;
    }
    return 0;
}

/* Nationality: the country of a person; an entity's is that of its
 * addresses when they all agree. */
static void un_country(ientity *e, xmlNode *rec, int individual)
{
    for (xmlNode *nat = child(rec, "NATIONALITY"); nat; nat = NULL)
        for (xmlNode *v = nat->children; v; v = v->next) {
            if (v->type != XML_ELEMENT_NODE || strcmp((const char *)v->name, "VALUE") != 0)
                continue;
            char *t = node_text(v);
            if (t)
                sanctagp_country_note(e, t, "nationality");
            free(t);
        }
    if (!individual) {
        char first[3] = "";
        int agree = 1;
        for (xmlNode *a = rec->children; a; a = a->next) {
            if (a->type != XML_ELEMENT_NODE || strcmp((const char *)a->name, "ENTITY_ADDRESS"))
                continue;
            char *c = child_text(a, "COUNTRY"), cc[3];
            if (c && sanctagp_country_code(c, cc)) {
                if (!*first)
                    memcpy(first, cc, 3);
                else if (strcmp(first, cc) != 0)
                    agree = 0;
            }
            free(c);
        }
        if (*first && agree && !e->country)
            e->country = xstrdup(first);
    }
}

static int un_record(imp *m, const char *path, xmlNode *rec, int individual)
{
    long line = xmlGetLineNo(rec);
    const char *what = individual ? "INDIVIDUAL" : "ENTITY";
    char *ref = child_text(rec, "REFERENCE_NUMBER");
    char *names[4] = {NULL, NULL, NULL, NULL};
    char *list_type = NULL, *listed_on = NULL, *comments = NULL, *script = NULL, *dataid = NULL;
    char *key = NULL, *full = NULL;
    int rc = 0;
    if (!ref) {
        rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                "%s:%ld: %s without REFERENCE_NUMBER", path, line, what);
        goto out;
    }
    static const char *const name_fields[4] = {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME",
                                               "FOURTH_NAME"};
    sbuf fb = {0};
    for (int i = 0; i < (individual ? 4 : 1); i++) {
        names[i] = child_text(rec, name_fields[i]);
        if (names[i]) {
            if (fb.b.len)
                sanctagp_sb_puts(&fb, " ");
            sanctagp_sb_puts(&fb, names[i]);
        }
    }
    full = sanctagp_sb_take(&fb);
    if (!full)
        goto nomem;
    if (!*full || !sanctagp_has_alpha(full)) {
        rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                "%s:%ld: %s %s has no name (FIRST_NAME)", path, line, what, ref);
        goto out;
    }
    list_type = child_text(rec, "UN_LIST_TYPE");
    listed_on = child_text(rec, "LISTED_ON");
    comments = child_text(rec, "COMMENTS1");
    script = child_text(rec, "NAME_ORIGINAL_SCRIPT");
    dataid = child_text(rec, "DATAID");
    char date[11] = "", imo[8] = "";
    if (listed_on && !sanctagp_valid_date_prefix(listed_on, date)) {
        line = xmlGetLineNo(child(rec, "LISTED_ON"));
        rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                "%s:%ld: %s %s: LISTED_ON '%s' is not a date (YYYY-MM-DD)", path,
                                line, what, ref, listed_on);
        goto out;
    }
    int has_imo = sanctagp_find_imo(comments, imo);
    const char *label = individual ? "PERSON" : has_imo && !org_word_in(full) ? "VESSEL" : "ORG";
    size_t kn = strlen(ref) + 4;
    key = malloc(kn);
    if (!key)
        goto nomem;
    snprintf(key, kn, "un:%s", ref);
    ientity *e;
    if ((rc = sanctagp_new_entity(m, key, label, path, line, &e)))
        goto out;
    e->listed = 1;
    e->name = xstrdup(full);
    e->list_ref = xstrdup(ref);
    e->listed_on = *date ? xstrdup(date) : NULL;
    if (!e->name || !e->list_ref)
        goto nomem;
    if (list_type)
        sanctagp_program_push(e, list_type, strlen(list_type));
    sanctagp_attr_set(e, "type", individual ? "individual" : "entity");
    sanctagp_attr_set(e, "dataid", dataid);
    sanctagp_attr_set(e, "un_list_type", list_type);
    sanctagp_attr_set(e, "original_script", script);
    if (has_imo)
        sanctagp_attr_set(e, "imo", imo);
    un_country(e, rec, individual);
    int east_asian = (list_type && strcmp(list_type, "DPRK") == 0) ||
                     sanctagp_family_name_first(e->country);
    if ((rc = sanctagp_add_name(e, full, 0, "UN list name")))
        goto nomem;
    if (individual && east_asian && names[0] && names[1]) {
        /* the UN writes Korean and Chinese family names first (FIRST_NAME) */
        sbuf gb = {0};
        for (int i = 1; i < 4; i++)
            if (names[i]) {
                if (gb.b.len)
                    sanctagp_sb_puts(&gb, " ");
                sanctagp_sb_puts(&gb, names[i]);
            }
        sanctagp_sb_puts(&gb, " ");
        sanctagp_sb_puts(&gb, names[0]);
        char *flip = sanctagp_sb_take(&gb);
        if (!flip || (rc = sanctagp_add_name(e, flip, 0, "generated: given name first"))) {
            free(flip);
            goto nomem;
        }
        free(flip);
    }
    if (script && (rc = sanctagp_add_name(e, script, 0, "UN list name in original script")))
        goto nomem;
    const char *alias_el = individual ? "INDIVIDUAL_ALIAS" : "ENTITY_ALIAS";
    for (xmlNode *a = rec->children; a; a = a->next) {
        if (a->type != XML_ELEMENT_NODE || strcmp((const char *)a->name, alias_el) != 0)
            continue;
        char *an = child_text(a, "ALIAS_NAME"), *q = child_text(a, "QUALITY");
        int weak = q && strcasecmp(q, "Low") == 0;
        if (an)
            rc = sanctagp_add_name(e, an, weak, weak ? "UN alias, quality Low" : "UN alias");
        free(an);
        free(q);
        if (rc)
            goto nomem;
    }
    goto out;
nomem:
    rc = rc ? rc : sanctagp_import_oom(m, path, line);
out:
    free(ref);
    for (int i = 0; i < 4; i++)
        free(names[i]);
    free(list_type);
    free(listed_on);
    free(comments);
    free(script);
    free(dataid);
    free(key);
    free(full);
    return rc;
}

/* SAX entityDecl: the UN list declares no entities; one that does is
 * refused before any can be referenced (internal-subset amplification: one
 * 100 KB entity referenced 20,000 times is 2 GB of text). Records the name
 * for the error and stops the parser. */
struct refused {
    xmlChar *name;
    long line;
};
static void refuse_entity(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                          const xmlChar *system_id, xmlChar *content)
{
    (void)type, (void)public_id, (void)system_id, (void)content;
    xmlParserCtxtPtr ctxt = ctx;
    struct refused *r = ctxt->_private;
    if (!r->name) {
        r->name = xmlStrdup(name ? name : (const xmlChar *)"");
        r->line = ctxt->input ? ctxt->input->line : 0;
    }
    xmlStopParser(ctxt);
}

int sanctagp_parse_un(imp *m, const char *path)
{
    size_t len;
    char *buf = sanctagp_read_file(path, &len, m->err);
    if (!buf)
        return m->err ? m->err->code : SANCTAG_E_IO;
    m->hash = sanctagp_fnv1a(m->hash, buf, len);
    xmlInitParser();
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        free(buf);
        return sanctagp_import_oom(m, path, 0);
    }
    if (len > INT32_MAX) {
        xmlFreeParserCtxt(ctxt);
        free(buf);
        return sanctagp_error_set(m->err, SANCTAG_E_TOOBIG, path, 0, 0, -1, "%s: too big", path);
    }
    /* entity declarations stop the parse (refuse_entity); no XML_PARSE_HUGE,
     * so libxml2 keeps its limits on text, names and depth; no NOENT or
     * DTDLOAD, so nothing external is ever read */
    struct refused entity = {NULL, 0};
    ctxt->sax->entityDecl = refuse_entity;
    ctxt->_private = &entity;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, (int)len, path, NULL,
                                      XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR |
                                          XML_PARSE_NOWARNING);
    int rc = 0;
    if (entity.name) {
        rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, entity.line, 0, -1,
                                "%s:%ld: declares the entity '%s' in its DOCTYPE: refused (a "
                                "sanctions list needs none, and expanding them can exhaust "
                                "memory)",
                                path, entity.line, (const char *)entity.name);
        xmlFree(entity.name);
        goto out;
    }
    if (!doc || !ctxt->wellFormed) {
        xmlErrorPtr xe = xmlCtxtGetLastError(ctxt);
        long line = xe ? xe->line : 0;
        char msg[300];
        snprintf(msg, sizeof msg, "%s", xe && xe->message ? xe->message : "parse error");
        size_t ml = strlen(msg);
        while (ml && (msg[ml - 1] == '\n' || msg[ml - 1] == ' '))
            msg[--ml] = 0;
        rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, xe ? xe->int2 : 0, -1,
                                "%s:%ld: malformed XML: %s", path, line, msg);
        goto out;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "CONSOLIDATED_LIST") != 0) {
        long line = root ? xmlGetLineNo(root) : 1;
        rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                "%s:%ld: root element is <%s>, not <CONSOLIDATED_LIST> (the UN "
                                "Security Council consolidated list)",
                                path, line, root ? (const char *)root->name : "");
        goto out;
    }
    xmlChar *gen = xmlGetProp(root, (const xmlChar *)"dateGenerated");
    if (gen && !*m->version)
        snprintf(m->version, sizeof m->version, "%s", (const char *)gen);
    xmlFree(gen);
    for (xmlNode *sec = root->children; sec && !rc; sec = sec->next) {
        if (sec->type != XML_ELEMENT_NODE)
            continue;
        int individuals = strcmp((const char *)sec->name, "INDIVIDUALS") == 0;
        if (!individuals && strcmp((const char *)sec->name, "ENTITIES") != 0)
            continue;
        const char *want = individuals ? "INDIVIDUAL" : "ENTITY";
        for (xmlNode *rec = sec->children; rec && !rc; rec = rec->next) {
            if (rec->type != XML_ELEMENT_NODE)
                continue;
            if (strcmp((const char *)rec->name, want) != 0) {
                long line = xmlGetLineNo(rec);
                rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                        "%s:%ld: <%s> inside <%s>, expected <%s>", path, line,
                                        (const char *)rec->name, (const char *)sec->name, want);
                break;
            }
            rc = un_record(m, path, rec, individuals);
        }
    }
out:
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    free(buf);
    return rc;
}
