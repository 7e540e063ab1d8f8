/* write_graph.c - the graph outputs: GraphML (static) and GEXF 1.3 (static,
 * or dynamic with periods: spells and per-period values). Nodes are the
 * endpoints of the kept pairs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cooccur/cooccur_int.h"
#include "util/utf8.h"

/* ------------------------------------------------------------------------- */
/* Both formats                                                               */

/* Writes the `n` bytes of valid UTF-8 `s` escaped for XML text and attribute
 * values. C0 controls other than tab, newline and carriage return are
 * dropped; U+FFFE and U+FFFF (EF BF BE, EF BF BF) become U+FFFD. */
static void xml_valid(FILE *f, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = s[i];
        switch (ch) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '\t': fputs("&#9;", f); break;
        case '\n': fputs("&#10;", f); break;
        case '\r': fputs("&#13;", f); break;
        default:
            if (ch == 0xEF && i + 2 < n && s[i + 1] == 0xBF && (s[i + 2] & 0xFE) == 0xBE) {
                fputs("\xEF\xBF\xBD", f);
                i += 2;
            } else if (ch >= 0x20) {
                fputc(ch, f);
            }
        }
    }
}

/* Writes `str` escaped for XML. Characters XML 1.0 forbids never reach the
 * file, whatever the names hold (README "Formats"): C0 controls other than
 * tab, newline and carriage return are dropped; U+FFFE, U+FFFF and bytes
 * that are not UTF-8 become U+FFFD. */
static void xml_text(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);
    while (n) {
        size_t bad = n;
        int rc = sanctagp_utf8_check((const char *)s, n, &bad);
        xml_valid(f, s, bad);
        if (!rc)
            break;
        fputs("\xEF\xBF\xBD", f); /* the byte that starts no valid sequence */
        s += bad + 1;
        n -= bad + 1;
    }
}

/* Marks the nodes at either end of a kept edge. */
static unsigned char *edge_nodes(const sanctagp_cooc *c, const view *v)
{
    unsigned char *used = calloc(c->nodes.n + 1, 1);
    if (!used)
        return NULL;
    for (size_t i = 0; i < v->np; i++)
        used[v->p[i].a] = used[v->p[i].b] = 1;
    return used;
}

/* The view a graph is drawn from and the nodes it uses. Dynamic graphs only
 * place dated periods on the timeline: the "unknown" period's edges are left
 * out and its documents counted in *ret_unknown_docs. */
static int graph_view(sanctagp_cooc *c, const sanctagp_cooc_out *o, view *v,
                      unsigned char **ret_used, uint64_t *ret_unknown_docs)
{
    if (sanctagp_cooc_view_build(c, o, 0, v))
        return SANCTAG_E_NOMEM;
    uint64_t unknown_docs = 0;
    long unknown = sanctagp_cooc_strmap_find(&c->periods, "unknown");
    if (c->o.period != COOC_PER_NONE && unknown >= 0) {
        unknown_docs = c->p_docs[unknown];
        size_t w = 0;
        for (size_t i = 0; i < v->np; i++)
            if (c->pairs[v->p[i].row].period != (uint32_t)unknown)
                v->p[w++] = v->p[i];
        v->np = w;
    }
    if (ret_unknown_docs)
        *ret_unknown_docs = unknown_docs;
    if (!(*ret_used = edge_nodes(c, v))) {
        sanctagp_cooc_view_release(v);
        return SANCTAG_E_NOMEM;
    }
    return 0;
}

static int graph_done(FILE *f, view *v, unsigned char *used)
{
    free(used);
    sanctagp_cooc_view_release(v);
    return ferror(f) ? SANCTAG_E_IO : 0;
}

/* `source="A" target="B` of an edge, the quotes around them left to the caller. */
static void edge_ends(FILE *f, const sanctagp_cooc *c, const prow *p)
{
    xml_text(f, c->nodes.keys[p->a]);
    fputs("\" target=\"", f);
    xml_text(f, c->nodes.keys[p->b]);
}

/* ------------------------------------------------------------------------- */
/* GraphML                                                                    */

static void gml_data(FILE *f, const char *key, const char *val)
{
    if (!val || !*val)
        return;
    fprintf(f, "      <data key=\"%s\">", key);
    xml_text(f, val);
    fputs("</data>\n", f);
}

static void gml_num(FILE *f, const char *key, uint64_t v)
{
    fprintf(f, "      <data key=\"%s\">%llu</data>\n", key, (unsigned long long)v);
}

static void graphml_head(FILE *f)
{
    fputs(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
        "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
        "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
        "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
        "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
        "  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n"
        "  <key id=\"country\" for=\"node\" attr.name=\"country\" attr.type=\"string\"/>\n"
        "  <key id=\"count\" for=\"node\" attr.name=\"count\" attr.type=\"long\"/>\n"
        "  <key id=\"n_documents\" for=\"node\" attr.name=\"documents\" attr.type=\"long\"/>\n"
        "  <key id=\"n_first_seen\" for=\"node\" attr.name=\"first_seen\" attr.type=\"string\"/>\n"
        "  <key id=\"n_last_seen\" for=\"node\" attr.name=\"last_seen\" attr.type=\"string\"/>\n"
        "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n"
        "  <key id=\"e_documents\" for=\"edge\" attr.name=\"documents\" attr.type=\"long\"/>\n"
        "  <key id=\"npmi\" for=\"edge\" attr.name=\"npmi\" attr.type=\"double\"/>\n"
        "  <key id=\"e_first_seen\" for=\"edge\" attr.name=\"first_seen\" attr.type=\"string\"/>\n"
        "  <key id=\"e_last_seen\" for=\"edge\" attr.name=\"last_seen\" attr.type=\"string\"/>\n",
        f);
    fprintf(f, "  <graph id=\"cooccur\" edgedefault=\"undirected\">\n");
}

static void graphml_node(FILE *f, const sanctagp_cooc *c, const view *v, uint32_t n)
{
    char d1[16], d2[16];
    fputs("    <node id=\"", f);
    xml_text(f, c->nodes.keys[n]);
    fputs("\">\n", f);
    gml_data(f, "label", sanctagp_cooc_node_name(c, n));
    gml_data(f, "type", c->ni[n].label);
    gml_data(f, "country", c->ni[n].country);
    gml_num(f, "count", v->n_count[n]);
    gml_num(f, "n_documents", v->n_docs[n]);
    gml_data(f, "n_first_seen", sanctagp_cooc_date_or_null(v->n_first[n], d1));
    gml_data(f, "n_last_seen", sanctagp_cooc_date_or_null(v->n_last[n], d2));
    fputs("    </node>\n", f);
}

static void graphml_edge(FILE *f, const sanctagp_cooc *c, const prow *p, size_t i)
{
    const pair_row *r = &c->pairs[p->row];
    char d1[16], d2[16];
    fprintf(f, "    <edge id=\"e%zu\" source=\"", i);
    edge_ends(f, c, p);
    fputs("\">\n", f);
    gml_num(f, "weight", r->count);
    gml_num(f, "e_documents", r->docs);
    fprintf(f, "      <data key=\"npmi\">%.6f</data>\n", p->npmi);
    gml_data(f, "e_first_seen", sanctagp_cooc_date_or_null(r->first, d1));
    gml_data(f, "e_last_seen", sanctagp_cooc_date_or_null(r->last, d2));
    fputs("    </edge>\n", f);
}

int sanctagp_cooc_write_graphml(sanctagp_cooc *c, FILE *f, const sanctagp_cooc_out *o)
{
    if (c->o.period != COOC_PER_NONE)
        return SANCTAG_E_INVALID;
    view v;
    unsigned char *used;
    if (graph_view(c, o, &v, &used, NULL))
        return SANCTAG_E_NOMEM;
    graphml_head(f);
    for (size_t k = 0; k < c->nodes.n; k++)
        if (used[v.node_order[k]])
            graphml_node(f, c, &v, v.node_order[k]);
    for (size_t i = 0; i < v.np; i++)
        graphml_edge(f, c, &v.p[i], i);
    fputs("  </graph>\n</graphml>\n", f);
    return graph_done(f, &v, used);
}

/* ------------------------------------------------------------------------- */
/* GEXF                                                                       */

#define GEXF_IN "          " /* indent of attvalue and spell elements */

static void gexf_att(FILE *f, const char *id, const char *val)
{
    if (!val || !*val)
        return;
    fprintf(f, GEXF_IN "<attvalue for=\"%s\" value=\"", id);
    xml_text(f, val);
    fputs("\"/>\n", f);
}

static void gexf_att_u64(FILE *f, const char *id, uint64_t v)
{
    char num[32];
    snprintf(num, sizeof num, "%llu", (unsigned long long)v);
    gexf_att(f, id, num);
}

static void gexf_span(FILE *f, int32_t first, int32_t last)
{
    char a[16], b[16];
    sanctagp_cooc_ymd_str(first, a);
    sanctagp_cooc_ymd_str(last, b);
    fprintf(f, " start=\"%s\" end=\"%s\"", a, b);
}

/* A value of a dynamic attribute over [first, last]; `val` is not escaped. */
static void gexf_att_span(FILE *f, const char *id, const char *val, int32_t first, int32_t last)
{
    fprintf(f, GEXF_IN "<attvalue for=\"%s\" value=\"%s\"", id, val);
    gexf_span(f, first, last);
    fputs("/>\n", f);
}

static void gexf_att_span_u64(FILE *f, const char *id, uint64_t v, int32_t first, int32_t last)
{
    char num[32];
    snprintf(num, sizeof num, "%llu", (unsigned long long)v);
    gexf_att_span(f, id, num, first, last);
}

static void gexf_spell(FILE *f, int32_t first, int32_t last)
{
    fputs(GEXF_IN "<spell", f);
    gexf_span(f, first, last);
    fputs("/>\n", f);
}

static void gexf_head(FILE *f, const sanctagp_cooc *c, int dyn)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<gexf xmlns=\"http://gexf.net/1.3\" "
          "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
          "    xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" "
          "version=\"1.3\">\n"
          "  <meta>\n    <creator>sanctag " SANCTAG_VERSION "</creator>\n",
          f);
    fprintf(f, "    <description>entity co-occurrence: window %s, by %s, period %s</description>\n"
               "  </meta>\n",
            sanctagp_cooc_window_names[c->o.window], sanctagp_cooc_by_names[c->o.by],
            sanctagp_cooc_period_names[c->o.period]);
    if (dyn)
        fputs("  <graph defaultedgetype=\"undirected\" mode=\"dynamic\" timeformat=\"date\" "
              "timerepresentation=\"interval\">\n", f);
    else
        fputs("  <graph defaultedgetype=\"undirected\" mode=\"static\">\n", f);
    fputs("    <attributes class=\"node\" mode=\"static\">\n"
          "      <attribute id=\"type\" title=\"type\" type=\"string\"/>\n"
          "      <attribute id=\"country\" title=\"country\" type=\"string\"/>\n", f);
    if (!dyn)
        fputs("      <attribute id=\"count\" title=\"count\" type=\"long\"/>\n"
              "      <attribute id=\"documents\" title=\"documents\" type=\"long\"/>\n", f);
    fputs("      <attribute id=\"first_seen\" title=\"first_seen\" type=\"string\"/>\n"
          "      <attribute id=\"last_seen\" title=\"last_seen\" type=\"string\"/>\n"
          "    </attributes>\n", f);
    if (dyn)
        fputs("    <attributes class=\"node\" mode=\"dynamic\">\n"
              "      <attribute id=\"count\" title=\"count\" type=\"long\"/>\n"
              "      <attribute id=\"documents\" title=\"documents\" type=\"long\"/>\n"
              "    </attributes>\n", f);
    fprintf(f, "    <attributes class=\"edge\" mode=\"%s\">\n"
               "      <attribute id=\"count\" title=\"count\" type=\"long\"/>\n"
               "      <attribute id=\"documents\" title=\"documents\" type=\"long\"/>\n"
               "      <attribute id=\"npmi\" title=\"npmi\" type=\"double\"/>\n",
            dyn ? "dynamic" : "static");
    if (!dyn)
        fputs("      <attribute id=\"first_seen\" title=\"first_seen\" type=\"string\"/>\n"
              "      <attribute id=\"last_seen\" title=\"last_seen\" type=\"string\"/>\n", f);
    fputs("    </attributes>\n", f);
}

/* A dynamic node's count and documents per dated period, then its spells. */
static void gexf_node_periods(FILE *f, const sanctagp_cooc *c, const view *v, uint32_t n)
{
    for (int spells = 0; spells < 2; spells++) {
        if (spells)
            fputs("        </attvalues>\n        <spells>\n", f);
        for (size_t p = 0; p < c->periods.n; p++) {
            uint32_t per = v->period_order[p];
            long r = sanctagp_cooc_imap_find(&c->entmap, per, n);
            int32_t a, b;
            sanctagp_cooc_period_bounds(c->periods.keys[per], &a, &b);
            if (r < 0 || !a)
                continue;
            if (spells) {
                gexf_spell(f, a, b);
                continue;
            }
            gexf_att_span_u64(f, "count", c->ents[r].count, a, b);
            gexf_att_span_u64(f, "documents", c->ents[r].docs, a, b);
        }
    }
    fputs("        </spells>\n", f);
}

static void gexf_node(FILE *f, const sanctagp_cooc *c, const view *v, uint32_t n, int dyn)
{
    char d1[16], d2[16];
    fputs("      <node id=\"", f);
    xml_text(f, c->nodes.keys[n]);
    fputs("\" label=\"", f);
    xml_text(f, sanctagp_cooc_node_name(c, n));
    fputs("\">\n        <attvalues>\n", f);
    gexf_att(f, "type", c->ni[n].label);
    gexf_att(f, "country", c->ni[n].country);
    gexf_att(f, "first_seen", sanctagp_cooc_date_or_null(v->n_first[n], d1));
    gexf_att(f, "last_seen", sanctagp_cooc_date_or_null(v->n_last[n], d2));
    if (dyn) {
        gexf_node_periods(f, c, v, n);
    } else {
        gexf_att_u64(f, "count", v->n_count[n]);
        gexf_att_u64(f, "documents", v->n_docs[n]);
        fputs("        </attvalues>\n", f);
    }
    fputs("      </node>\n", f);
}

/* A static edge: one pair row. */
static void gexf_edge_static(FILE *f, const sanctagp_cooc *c, const prow *p)
{
    const pair_row *r = &c->pairs[p->row];
    char d1[16], d2[16], num[32];
    fprintf(f, "\" weight=\"%llu\">\n        <attvalues>\n", (unsigned long long)r->count);
    gexf_att_u64(f, "count", r->count);
    gexf_att_u64(f, "documents", r->docs);
    snprintf(num, sizeof num, "%.6f", p->npmi);
    gexf_att(f, "npmi", num);
    gexf_att(f, "first_seen", sanctagp_cooc_date_or_null(r->first, d1));
    gexf_att(f, "last_seen", sanctagp_cooc_date_or_null(r->last, d2));
    fputs("        </attvalues>\n", f);
}

/* A dynamic edge: its rows p[0..n), one a dated period, then their spells. */
static void gexf_edge_periods(FILE *f, const sanctagp_cooc *c, const prow *p, size_t n)
{
    fputs("\">\n        <attvalues>\n", f);
    for (int spells = 0; spells < 2; spells++) {
        if (spells)
            fputs("        </attvalues>\n        <spells>\n", f);
        for (size_t k = 0; k < n; k++) {
            const pair_row *r = &c->pairs[p[k].row];
            int32_t a, b;
            sanctagp_cooc_period_bounds(c->periods.keys[r->period], &a, &b);
            if (spells) {
                gexf_spell(f, a, b);
                continue;
            }
            char num[32];
            gexf_att_span_u64(f, "weight", r->count, a, b);
            gexf_att_span_u64(f, "count", r->count, a, b);
            gexf_att_span_u64(f, "documents", r->docs, a, b);
            snprintf(num, sizeof num, "%.6f", p[k].npmi);
            gexf_att_span(f, "npmi", num, a, b);
        }
    }
    fputs("        </spells>\n", f);
}

int sanctagp_cooc_write_gexf(sanctagp_cooc *c, FILE *f, const sanctagp_cooc_out *o,
                             uint64_t *ret_unknown_docs)
{
    int dyn = c->o.period != COOC_PER_NONE;
    view v;
    unsigned char *used;
    if (graph_view(c, o, &v, &used, ret_unknown_docs))
        return SANCTAG_E_NOMEM;
    sanctagp_cooc_view_sort_edges(c, &v); /* group each edge's periods */
    gexf_head(f, c, dyn);
    fputs("    <nodes>\n", f);
    for (size_t k = 0; k < c->nodes.n; k++)
        if (used[v.node_order[k]])
            gexf_node(f, c, &v, v.node_order[k], dyn);
    fputs("    </nodes>\n    <edges>\n", f);
    size_t eid = 0;
    for (size_t i = 0; i < v.np;) {
        size_t j = i;
        while (j < v.np && v.p[j].a == v.p[i].a && v.p[j].b == v.p[i].b)
            j++;
        fprintf(f, "      <edge id=\"%zu\" source=\"", eid++);
        edge_ends(f, c, &v.p[i]);
        if (dyn)
            gexf_edge_periods(f, c, &v.p[i], j - i);
        else
            gexf_edge_static(f, c, &v.p[i]);
        fputs("      </edge>\n", f);
        i = j;
    }
    fputs("    </edges>\n  </graph>\n</gexf>\n", f);
    return graph_done(f, &v, used);
}
