/* cmd_eval.c - `sanctag eval`: precision, recall and F1 against hand-annotated
 * gold spans (strict span match per label) and document-level country sets. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "output/output.h"
#include "cli.h"

static void help(FILE *f)
{
    fprintf(f,
            "Usage: sanctag eval [OPTIONS] GOLD.jsonl [PRED.jsonl]\n"
            "\n"
            "Scores tagging against gold annotations. GOLD.jsonl has one document per line:\n"
            "{\"id\", \"text\", \"spans\": [{\"start\", \"end\", \"label\", \"country\"?}]} with UTF-8\n"
            "byte offsets (the format of ../shared/gold). Without PRED.jsonl the texts of GOLD\n"
            "are tagged with the gazetteer; with it, PRED.jsonl is sanctag output for the same\n"
            "documents (matched by id; any offsets unit).\n"
            "\n"
            "Prints, per label (COUNTRY, LOCATION, ORG, PERSON) and overall, precision,\n"
            "recall and F1 of strict span matches (same start, end and label; for COUNTRY\n"
            "also the same country code), then the same for document-level country sets:\n"
            "the codes of COUNTRY spans and the country of ORG spans.\n"
            "\n"
            "Options:\n"
            "  --db PATH     gazetteer used to tag GOLD's texts (default: the bundled one)\n"
            "  --errors      list every miss and false positive with its context\n"
            "  --json        print the figures as one JSON object\n"
            "\n"
            "Examples:\n"
            "  sanctag eval ../shared/gold/dev.jsonl\n"
            "  sanctag eval --errors ../shared/gold/dev.jsonl | less\n"
            "  sanctag tag --jsonl gold.jsonl > pred.jsonl && sanctag eval gold.jsonl pred.jsonl\n");
}

static const char *const labels[] = {"COUNTRY", "LOCATION", "ORG", "PERSON"};
#define NLAB 4

typedef struct sp {
    long start, end;
    int label;        /* index into labels, -1 if not evaluated */
    char country[3];
    int matched;
} sp;

typedef struct counts {
    long tp, fp, fn;
} counts;

static int label_index(const char *l)
{
    for (int i = 0; i < NLAB; i++)
        if (l && strcmp(l, labels[i]) == 0)
            return i;
    return -1;
}

/* Reads spans of an output or gold line into an array; offsets converted to bytes. */
static sp *read_spans(json_t *arr, const char *text, size_t len, int unit, size_t *ret_n)
{
    size_t n = json_array_size(arr);
    sp *v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return NULL;
    size_t w = 0, i;
    json_t *s;
    json_array_foreach(arr, i, s)
    {
        json_int_t a = json_integer_value(json_object_get(s, "start"));
        json_int_t b = json_integer_value(json_object_get(s, "end"));
        if (unit != OFF_BYTE) {
            /* unit -> byte: walk the text */
            long long want[2] = {a, b};
            long long got[2] = {-1, -1};
            size_t bi = 0, u = 0;
            for (int k = 0; k < 2; k++) {
                if (k == 1 && want[1] < want[0]) {
                    bi = 0;
                    u = 0;
                }
                while (bi < len && (long long)u < want[k]) {
                    unsigned char c = (unsigned char)text[bi];
                    size_t cl = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
                    u += (unit == OFF_UTF16 && cl == 4) ? 2 : 1;
                    bi += cl;
                }
                got[k] = (long long)u == want[k] ? (long long)bi : -1;
            }
            a = got[0];
            b = got[1];
        }
        if (a < 0 || b < a || (size_t)b > len)
            continue;
        v[w].start = (long)a;
        v[w].end = (long)b;
        v[w].label = label_index(json_string_value(json_object_get(s, "label")));
        const char *cc = json_string_value(json_object_get(s, "country"));
        snprintf(v[w].country, sizeof v[w].country, "%s", cc ? cc : "");
        w++;
    }
    *ret_n = w;
    return v;
}

static int same(const sp *g, const sp *p)
{
    if (g->start != p->start || g->end != p->end || g->label != p->label)
        return 0;
    if (g->label == 0 && strcmp(g->country, p->country) != 0)
        return 0;
    return 1;
}

static void context(FILE *f, const char *text, size_t len, long a, long b)
{
    long ca = a - 40 < 0 ? 0 : a - 40, cb = b + 40 > (long)len ? (long)len : b + 40;
    /* do not cut a UTF-8 sequence */
    while (ca > 0 && ((unsigned char)text[ca] & 0xC0) == 0x80)
        ca--;
    while (cb < (long)len && ((unsigned char)text[cb] & 0xC0) == 0x80)
        cb++;
    fputs("    ...", f);
    for (long i = ca; i < cb; i++) {
        if (i == a)
            fputs("[[", f);
        if (i == b)
            fputs("]]", f);
        fputc(text[i] == '\n' ? ' ' : text[i], f);
    }
    if (b == cb)
        fputs("]]", f);
    fputs("...\n", f);
}

static int has_code(char (*set)[3], size_t n, const char *c)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(set[i], c) == 0)
            return 1;
    return 0;
}

static size_t country_set(const sp *v, size_t n, char (*out)[3])
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if ((v[i].label == 0 || v[i].label == 2) && v[i].country[0] &&
            !has_code(out, k, v[i].country))
            snprintf(out[k++], 3, "%s", v[i].country);
    return k;
}

static void prf(counts c, double *p, double *r, double *f)
{
    *p = c.tp + c.fp ? (double)c.tp / (double)(c.tp + c.fp) : 1.0;
    *r = c.tp + c.fn ? (double)c.tp / (double)(c.tp + c.fn) : 1.0;
    *f = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0.0;
}

int cmd_eval(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"db", required_argument, NULL, 'd'},
        {"errors", no_argument, NULL, 'e'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    int show_errors = 0, as_json = 0, ch;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            help(stdout);
            return EXIT_OK_;
        case 'd': db = optarg; break;
        case 'e': show_errors = 1; break;
        case 'j': as_json = 1; break;
        default:
            fprintf(stderr, "Try 'sanctag eval --help'.\n");
            return EXIT_USAGE;
        }
    }
    if (argc - optind < 1 || argc - optind > 2)
        return cli_usage("eval", "needs GOLD.jsonl and optionally PRED.jsonl");
    const char *gold_path = argv[optind];
    const char *pred_path = argc - optind == 2 ? argv[optind + 1] : NULL;

    sanctag_gazetteer *gz = NULL;
    sanctag_tagger *tg = NULL;
    json_t *pred_by_id = NULL;
    sanctag_error e;
    memset(&e, 0, sizeof e);
    if (pred_path) {
        FILE *pf = fopen(pred_path, "r");
        if (!pf) {
            cli_warn("%s: cannot open: %s", pred_path, strerror(errno));
            return EXIT_FATAL;
        }
        pred_by_id = json_object();
        char *line = NULL;
        size_t cap = 0;
        long ln = 0;
        while (getline(&line, &cap, pf) >= 0) {
            ln++;
            json_error_t je;
            json_t *o = json_loads(line, 0, &je);
            if (!o || !json_is_object(o)) {
                cli_warn("%s:%ld:%d: %s", pred_path, ln, je.column,
                         o ? "not a JSON object" : je.text);
                json_decref(o);
                continue;
            }
            json_t *id = json_object_get(o, "id");
            char *key = json_dumps(id ? id : json_null(), JSON_ENCODE_ANY | JSON_COMPACT);
            if (key)
                json_object_set_new(pred_by_id, key, o);
            else
                json_decref(o);
            free(key);
        }
        free(line);
        fclose(pf);
    } else {
        const char *path = cli_find_db(db);
        if (!path)
            return EXIT_FATAL;
        if (sanctag_gazetteer_open(path, 0, &gz, &e)) {
            cli_error(&e);
            return EXIT_FATAL;
        }
        tg = sanctag_tagger_new(gz);
        if (!tg) {
            sanctag_gazetteer_unref(gz);
            cli_warn("out of memory");
            return EXIT_FATAL;
        }
    }

    FILE *gf = fopen(gold_path, "r");
    if (!gf) {
        cli_warn("%s: cannot open: %s", gold_path, strerror(errno));
        sanctag_tagger_free(tg);
        sanctag_gazetteer_unref(gz);
        json_decref(pred_by_id);
        return EXIT_FATAL;
    }
    counts per[NLAB + 1];
    counts docset = {0, 0, 0};
    memset(per, 0, sizeof per);
    long ndocs = 0, bad = 0, ln = 0;
    char *line = NULL;
    size_t cap = 0;
    FILE *ef = stdout;
    while (getline(&line, &cap, gf) >= 0) {
        ln++;
        json_error_t je;
        json_t *g = json_loads(line, 0, &je);
        json_t *gt = g ? json_object_get(g, "text") : NULL;
        if (!g || !json_is_string(gt)) {
            cli_warn("%s:%ld: %s", gold_path, ln, g ? "no string field 'text'" : je.text);
            json_decref(g);
            bad++;
            continue;
        }
        const char *text = json_string_value(gt);
        size_t len = json_string_length(gt);
        json_t *id = json_object_get(g, "id");
        size_t ng = 0, np = 0;
        sp *gs = read_spans(json_object_get(g, "spans"), text, len, OFF_BYTE, &ng);
        sp *ps = NULL;
        if (pred_by_id) {
            char *key = json_dumps(id ? id : json_null(), JSON_ENCODE_ANY | JSON_COMPACT);
            json_t *p = key ? json_object_get(pred_by_id, key) : NULL;
            free(key);
            if (!p)
                cli_warn("%s:%ld: no prediction for this id in %s", gold_path, ln, pred_path);
            const char *un = p ? json_string_value(json_object_get(p, "offsets")) : NULL;
            int unit = p ? sanctagp_offset_unit(un ? un : "codepoint") : OFF_BYTE;
            ps = read_spans(p ? json_object_get(p, "spans") : NULL, text, len,
                            unit < 0 ? OFF_CODEPOINT : unit, &np);
        } else {
            memset(&e, 0, sizeof e);
            if (sanctag_tagger_tag(tg, text, len, 0, &e) == 0) {
                size_t n;
                const sanctag_span *s = sanctag_tagger_spans(tg, &n);
                ps = calloc(n ? n : 1, sizeof *ps);
                for (size_t i = 0; ps && i < n; i++) {
                    sanctag_entity ent;
                    if (sanctag_gazetteer_entity(gz, s[i].entity, &ent))
                        continue;
                    ps[np].start = (long)s[i].start;
                    ps[np].end = (long)s[i].end;
                    ps[np].label = label_index(ent.label);
                    const char *cc = ent.country;
                    sanctag_entity ce;
                    if (strcmp(ent.label, "ORG") == 0)
                        cc = (s[i].named_country != UINT32_MAX &&
                              sanctag_gazetteer_entity(gz, s[i].named_country, &ce) == 0)
                                 ? ce.country
                                 : "";
                    snprintf(ps[np].country, 3, "%s", cc);
                    np++;
                }
            } else {
                cli_warn("%s:%ld: %s", gold_path, ln, e.text);
                ps = calloc(1, sizeof *ps);
            }
        }
        if (!gs || !ps) {
            cli_warn("out of memory");
            free(gs);
            free(ps);
            json_decref(g);
            break;
        }
        ndocs++;
        for (size_t i = 0; i < ng; i++)
            for (size_t j = 0; j < np; j++)
                if (!ps[j].matched && same(&gs[i], &ps[j])) {
                    gs[i].matched = ps[j].matched = 1;
                    break;
                }
        char idbuf[128];
        snprintf(idbuf, sizeof idbuf, "%s",
                 json_is_string(id) ? json_string_value(id) : "(no id)");
        for (size_t i = 0; i < ng; i++) {
            if (gs[i].label < 0)
                continue;
            counts *c = &per[gs[i].label];
            if (gs[i].matched) {
                c->tp++;
            } else {
                c->fn++;
                if (show_errors && !as_json) {
                    fprintf(ef, "MISS %s %s%s%s '%.*s' bytes %ld-%ld\n", idbuf,
                            labels[gs[i].label], gs[i].country[0] ? ":" : "", gs[i].country,
                            (int)(gs[i].end - gs[i].start), text + gs[i].start, gs[i].start,
                            gs[i].end);
                    context(ef, text, len, gs[i].start, gs[i].end);
                }
            }
        }
        for (size_t j = 0; j < np; j++) {
            if (ps[j].label < 0 || ps[j].matched)
                continue;
            per[ps[j].label].fp++;
            if (show_errors && !as_json) {
                fprintf(ef, "FP   %s %s%s%s '%.*s' bytes %ld-%ld\n", idbuf, labels[ps[j].label],
                        ps[j].country[0] ? ":" : "", ps[j].country,
                        (int)(ps[j].end - ps[j].start), text + ps[j].start, ps[j].start,
                        ps[j].end);
                context(ef, text, len, ps[j].start, ps[j].end);
            }
        }
        /* document-level country sets */
        char(*gset)[3] = calloc(ng + 1, 3), (*pset)[3] = calloc(np + 1, 3);
        if (gset && pset) {
            size_t kg = country_set(gs, ng, gset), kp = country_set(ps, np, pset);
            for (size_t i = 0; i < kp; i++) {
                if (has_code(gset, kg, pset[i])) {
                    docset.tp++;
                } else {
                    docset.fp++;
                    if (show_errors && !as_json)
                        fprintf(ef, "DOC-FP   %s country %s\n", idbuf, pset[i]);
                }
            }
            for (size_t i = 0; i < kg; i++)
                if (!has_code(pset, kp, gset[i])) {
                    docset.fn++;
                    if (show_errors && !as_json)
                        fprintf(ef, "DOC-MISS %s country %s\n", idbuf, gset[i]);
                }
        }
        free(gset);
        free(pset);
        free(gs);
        free(ps);
        json_decref(g);
    }
    free(line);
    fclose(gf);
    for (int i = 0; i < NLAB; i++) {
        per[NLAB].tp += per[i].tp;
        per[NLAB].fp += per[i].fp;
        per[NLAB].fn += per[i].fn;
    }
    double p, r, f;
    if (as_json) {
        json_t *o = json_object();
        json_object_set_new(o, "documents", json_integer(ndocs));
        json_t *lab = json_object();
        for (int i = 0; i <= NLAB; i++) {
            prf(per[i], &p, &r, &f);
            json_object_set_new(lab, i < NLAB ? labels[i] : "ALL",
                                json_pack("{s:I,s:I,s:I,s:f,s:f,s:f}", "tp", (json_int_t)per[i].tp,
                                          "fp", (json_int_t)per[i].fp, "fn",
                                          (json_int_t)per[i].fn, "precision", p, "recall", r,
                                          "f1", f));
        }
        json_object_set_new(o, "spans", lab);
        prf(docset, &p, &r, &f);
        json_object_set_new(o, "doc_countries",
                            json_pack("{s:I,s:I,s:I,s:f,s:f,s:f}", "tp", (json_int_t)docset.tp,
                                      "fp", (json_int_t)docset.fp, "fn", (json_int_t)docset.fn,
                                      "precision", p, "recall", r, "f1", f));
        json_dumpf(o, stdout, JSON_COMPACT);
        putchar('\n');
        json_decref(o);
    } else {
        printf("%s: %ld documents, strict span match\n", gold_path, ndocs);
        printf("%-14s %6s %6s %6s %9s %7s %6s\n", "label", "tp", "fp", "fn", "precision",
               "recall", "f1");
        for (int i = 0; i <= NLAB; i++) {
            prf(per[i], &p, &r, &f);
            printf("%-14s %6ld %6ld %6ld %9.3f %7.3f %6.3f\n", i < NLAB ? labels[i] : "ALL",
                   per[i].tp, per[i].fp, per[i].fn, p, r, f);
        }
        prf(docset, &p, &r, &f);
        printf("%-14s %6ld %6ld %6ld %9.3f %7.3f %6.3f\n", "doc-countries", docset.tp, docset.fp,
               docset.fn, p, r, f);
    }
    sanctag_tagger_free(tg);
    sanctag_gazetteer_unref(gz);
    json_decref(pred_by_id);
    if (fflush(stdout) != 0)
        return EXIT_FATAL;
    return bad ? EXIT_DOCS : EXIT_OK_;
}
