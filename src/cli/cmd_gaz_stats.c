/* cmd_gaz_stats.c - `sanctag gaz stats`: a summary of what a gazetteer holds
 * (entities, aliases, sanctions listings, sources, versions, the compiled
 * matcher) and which aliases can never match; gazetteer/stats.c collects it,
 * this prints it as JSON or text. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gazetteer/queries.h"
#include "cli.h"

static void help(FILE *f)
{
    fprintf(f,
            "Usage: sanctag gaz stats [--db PATH] [--json]\n"
            "\n"
            "Summarises a gazetteer: its content version and schema version; the compiled\n"
            "matcher (size, whether it is current); the statistical name model, when it\n"
            "has one (size, provenance: trainer, training data, licences); every source\n"
            "with its format, version, import time and counts; entities per label and\n"
            "source; aliases per kind, language and case policy (\"auto\" shown as what it\n"
            "resolves to); sanctions-listed entities per list source and programme;\n"
            "aliases that name more than one entity; and aliases that can never match (no\n"
            "tokens, a sentence break inside, more than 64 tokens).\n"
            "\n"
            "  --db PATH   gazetteer database (default: $SANCTAG_DB, else the bundled one)\n"
            "  --json      one JSON object instead of text\n"
            "\n"
            "Examples:\n"
            "  sanctag gaz stats\n"
            "  sanctag gaz stats --db my.db --json | jq .aliases.by_kind\n");
}

/* ---- text output ----------------------------------------------------------- */

/* "  name  count" lines, the names padded to one width. */
static void print_counts(FILE *f, json_t *obj, const char *indent)
{
    size_t w = 0;
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) if (strlen(k) > w) w = strlen(k);
    json_object_foreach(obj, k, v)
        fprintf(f, "%s%-*s  %7" JSON_INTEGER_FORMAT "\n", indent, (int)w, k, json_integer_value(v));
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static json_int_t num(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static void print_text(FILE *f, json_t *r)
{
    json_t *m = json_object_get(r, "matcher");
    fprintf(f, "gazetteer       %s\n", str(r, "path"));
    fprintf(f, "version         %s\n", str(r, "version"));
    fprintf(f, "schema version  %" JSON_INTEGER_FORMAT "%s%s%s\n", num(r, "schema_version"),
            *str(r, "created_by") ? " (created by " : "", str(r, "created_by"),
            *str(r, "created_by") ? ")" : "");
    if (json_is_true(json_object_get(m, "stored")))
        fprintf(f,
               "matcher         %" JSON_INTEGER_FORMAT " bytes stored (image format %" JSON_INTEGER_FORMAT
               "), %s\n",
               num(m, "image_bytes"), num(m, "format"),
               json_is_true(json_object_get(m, "current"))
                   ? "current"
               : json_is_false(json_object_get(m, "matches_content"))
                   ? "NOT COMPILED FROM THIS CONTENT (a matcher from elsewhere?); compiled "
                     "afresh in memory on every open until a user who may write the file "
                     "opens it"
                   : "STALE: entities or aliases changed since it was compiled; recompiled in "
                     "memory on every open until rebuilt");
    else
        fprintf(f, "matcher         not stored: compiled in memory on every open\n");
    fprintf(f,
            "                %" JSON_INTEGER_FORMAT " entities, %" JSON_INTEGER_FORMAT
            " aliases compiled (with accent variants; weak ones only with --weak)\n",
            num(m, "entities"), num(m, "aliases"));
    json_t *nm = json_object_get(r, "name_model");
    if (nm) {
        fprintf(f, "name model      %" JSON_INTEGER_FORMAT " bytes (%s, source %s)%s\n",
                   num(nm, "bytes"), str(nm, "format"), str(nm, "source"),
                   json_is_true(json_object_get(nm, "loaded")) ? ", loaded" : "");
        for (const char *p = str(nm, "provenance"); *p;) { /* indented, a line a line */
            size_t n = strcspn(p, "\n");
            fprintf(f, "                %.*s\n", (int)n, p);
            p += n + (p[n] == '\n');
        }
    }

    json_t *sources = json_object_get(r, "sources");
    fprintf(f, "\nsources (%zu)\n", json_array_size(sources));
    size_t i;
    json_t *s;
    int wn = 4, wf = 6, wv = 7;
    json_array_foreach(sources, i, s)
    {
        if ((int)strlen(str(s, "name")) > wn)
            wn = (int)strlen(str(s, "name"));
        if ((int)strlen(str(s, "format")) > wf)
            wf = (int)strlen(str(s, "format"));
        if ((int)strlen(str(s, "version")) > wv)
            wv = (int)strlen(str(s, "version"));
    }
    fprintf(f, "  %-*s  %-*s  %-*s  %-20s  %8s  %8s  %s\n", wn, "NAME", wf, "FORMAT", wv, "VERSION",
            "IMPORTED", "ENTITIES", "ALIASES", "PATH");
    json_array_foreach(sources, i, s) fprintf(
        f, "  %-*s  %-*s  %-*s  %-20s  %8" JSON_INTEGER_FORMAT "  %8" JSON_INTEGER_FORMAT "  %s\n",
        wn, str(s, "name"), wf, str(s, "format"), wv, str(s, "version"), str(s, "imported_at"),
        num(s, "entities"), num(s, "aliases"), str(s, "path"));

    json_t *ents = json_object_get(r, "entities");
    fprintf(f, "\nentities (%" JSON_INTEGER_FORMAT ") by label and source\n", num(ents, "total"));
    const char *label;
    json_t *n;
    json_t *per_src = json_object_get(ents, "by_label_and_source");
    size_t wl = 5;
    json_object_foreach(json_object_get(ents, "by_label"), label, n) if (strlen(label) > wl) wl =
        strlen(label);
    json_object_foreach(json_object_get(ents, "by_label"), label, n)
    {
        fprintf(f, "  %-*s  %7" JSON_INTEGER_FORMAT "  ", (int)wl, label, json_integer_value(n));
        const char *src;
        json_t *c;
        int first = 1;
        json_object_foreach(json_object_get(per_src, label), src, c)
        {
            fprintf(f, "%s%s %" JSON_INTEGER_FORMAT, first ? "" : ", ", src, json_integer_value(c));
            first = 0;
        }
        fprintf(f, "\n");
    }

    json_t *al = json_object_get(r, "aliases");
    fprintf(f, "\naliases (%" JSON_INTEGER_FORMAT ")\n  by kind\n", num(al, "total"));
    print_counts(f, json_object_get(al, "by_kind"), "    ");
    fprintf(f, "  by language\n");
    print_counts(f, json_object_get(al, "by_lang"), "    ");
    fprintf(f, "  by case policy\n");
    print_counts(f, json_object_get(al, "by_case"), "    ");
    fprintf(f,
            "  weak (matched only with --weak): %" JSON_INTEGER_FORMAT
            "; suppressors (never emitted): %" JSON_INTEGER_FORMAT "\n",
            num(al, "weak_matched_only_with_weak"), num(al, "suppressors_never_emitted"));
    json_int_t nshared = num(al, "shared_by_several_entities");
    fprintf(
        f,
        "  shared by several entities (first listed wins, marked ambiguous): %" JSON_INTEGER_FORMAT
        "\n",
        nshared);
    json_array_foreach(json_object_get(al, "shared_examples"), i, s)
        fprintf(f, "    %-30s %s\n", str(s, "alias"), str(s, "keys"));
    if (nshared > (json_int_t)json_array_size(json_object_get(al, "shared_examples")))
        fprintf(f, "    ... (--json lists the first 20)\n");
    json_t *never = json_object_get(al, "never_match");
    fprintf(f, "  can never match: %zu\n", json_array_size(never));
    int wa = 0, we = 0;
    json_array_foreach(never, i, s)
    {
        if ((int)strlen(str(s, "alias")) > wa)
            wa = (int)strlen(str(s, "alias"));
        if ((int)strlen(str(s, "entity")) > we)
            we = (int)strlen(str(s, "entity"));
    }
    json_array_foreach(never, i, s)
        fprintf(f, "    %-*s  %-*s  %s (source %s)\n", wa, str(s, "alias"), we, str(s, "entity"),
               str(s, "reason"), str(s, "source"));

    json_t *l = json_object_get(r, "listed");
    fprintf(f, "\nsanctions-listed entities (%" JSON_INTEGER_FORMAT ")\n", num(l, "total"));
    const char *src;
    json_object_foreach(json_object_get(l, "by_list_source"), src, n)
    {
        fprintf(f, "  %-20s %7" JSON_INTEGER_FORMAT "  programmes:", src, json_integer_value(n));
        const char *p;
        json_t *c;
        int first = 1;
        json_object_foreach(json_object_get(json_object_get(l, "by_list_source_and_programme"),
                                            src),
                            p, c)
        {
            fprintf(f, "%s %s %" JSON_INTEGER_FORMAT, first ? "" : ",", p, json_integer_value(c));
            first = 0;
        }
        fprintf(f, "\n");
    }
}

int gaz_stats(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"db", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    const char *dbarg = NULL;
    int as_json = 0, ch;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            help(stdout);
            return fclose(stdout) == 0 ? EXIT_OK_ : EXIT_FATAL;
        case 'd': dbarg = optarg; break;
        case 'j': as_json = 1; break;
        default:
            return cli_bad_option("gaz stats", argv, opts, "h");
        }
    }
    if (optind < argc)
        return cli_usage("gaz stats", "unexpected argument '%s' (the gazetteer is --db PATH)",
                         argv[optind]);
    const char *path = cli_find_db(dbarg);
    if (!path)
        return EXIT_FATAL;
    sanctag_error e;
    memset(&e, 0, sizeof e);
    sanctagp_gazq *q = NULL;
    if (sanctagp_gazq_open(path, &q, &e)) {
        cli_error(&e);
        return EXIT_FATAL;
    }
    json_t *r = sanctagp_gazq_stats(q);
    sanctagp_gazq_close(q);
    if (!r) {
        cli_warn("out of memory");
        return EXIT_FATAL;
    }
    if (as_json) {
        json_dumpf(r, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        cli_clean cl; /* source names and aliases are data: cleaned for the terminal */
        print_text(cli_clean_open(&cl, stdout), r);
        cli_clean_close(&cl);
    }
    json_decref(r);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_warn("write error: %s", strerror(errno));
        return EXIT_FATAL;
    }
    return EXIT_OK_;
}
