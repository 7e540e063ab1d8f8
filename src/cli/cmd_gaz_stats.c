/* cmd_gaz_stats.c - `sanctag gaz stats`: a summary of what a gazetteer holds
 * (entities, aliases, sanctions listings, sources, versions, the compiled
 * matcher) and which aliases can never match. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gazetteer/gazetteer.h"
#include "core/text.h"
#include "cli.h"

static void help(FILE *f)
{
    fprintf(f,
            "Usage: sanctag gaz stats [--db PATH] [--json]\n"
            "\n"
            "Summarises a gazetteer: its content version and schema version; the compiled\n"
            "matcher (size, whether it is current); every source with its format, version,\n"
            "import time and counts; entities per label and source; aliases per kind,\n"
            "language and case policy (\"auto\" shown as what it resolves to); sanctions-\n"
            "listed entities per list source and programme; aliases that name more than one\n"
            "entity; and aliases that can never match (no tokens, a sentence break inside,\n"
            "more than 64 tokens).\n"
            "\n"
            "  --db PATH   gazetteer database (default: $SANCTAG_DB, else the bundled one)\n"
            "  --json      one JSON object instead of text\n"
            "\n"
            "Examples:\n"
            "  sanctag gaz stats\n"
            "  sanctag gaz stats --db my.db --json | jq .aliases.by_kind\n");
}

#define MAX_MATCH_TOKENS 64 /* the tagger walks at most this many tokens from a start */

static const char *txt(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

/* counters are JSON objects {name: count}, in order of first appearance */
static void count_add(json_t *obj, const char *key, json_int_t n)
{
    json_t *v = json_object_get(obj, *key ? key : "-");
    json_object_set_new(obj, *key ? key : "-", json_integer((v ? json_integer_value(v) : 0) + n));
}

typedef struct kv {
    const char *key;
    json_int_t n;
} kv;

static int kv_cmp(const void *x, const void *y)
{
    const kv *a = x, *b = y;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* The counter sorted by count (descending), then name: a new JSON object. */
static json_t *sorted(json_t *obj)
{
    size_t n = json_object_size(obj), i = 0;
    kv *v = malloc((n ? n : 1) * sizeof *v);
    json_t *out = json_object();
    if (!v || !out) {
        free(v);
        json_decref(out);
        return NULL;
    }
    const char *k;
    json_t *val;
    json_object_foreach(obj, k, val) v[i++] = (kv){k, json_integer_value(val)};
    qsort(v, n, sizeof *v, kv_cmp);
    for (i = 0; i < n; i++)
        json_object_set_new(out, v[i].key, json_integer(v[i].n));
    free(v);
    return out;
}

/* The case policy an alias is matched with: "fold", "cap", "exact", or for
 * "auto" what it resolves to, "auto (exact)". Also the number of tokens and
 * whether a sentence starts inside it. */
static void alias_shape(sanctagp_tokens *tk, const char *alias, const char *stored, char *policy,
                        size_t cap, size_t *ret_ntok, int *ret_break)
{
    size_t len = strlen(alias);
    *ret_ntok = 0;
    *ret_break = 0;
    int ok = sanctagp_utf8_check(alias, len, NULL) == 0 && sanctagp_tokenize(tk, alias, len) == 0;
    if (ok) {
        *ret_ntok = tk->n;
        for (size_t i = 1; i < tk->n; i++)
            if (tk->v[i].flags & TF_SENT_START)
                *ret_break = 1;
    }
    if (strcmp(stored, "auto") != 0) {
        snprintf(policy, cap, "%s", stored);
        return;
    }
    int p = ok ? sanctagp_auto_policy(tk) : POL_FOLD;
    snprintf(policy, cap, "auto (%s)", p == POL_EXACT ? "exact" : p == POL_CAP ? "cap" : "fold");
}

/* Runs `sql` (one row expected) into integers. */
static int one_row(sqlite3 *db, const char *sql, json_int_t *a, json_int_t *b)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (a)
            *a = sqlite3_column_int64(st, 0);
        if (b)
            *b = sqlite3_column_int64(st, 1);
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Collects everything into one JSON object; NULL after printing why. */
static json_t *collect(const char *path, sqlite3 *db, const sanctag_gazetteer *gz)
{
    json_t *r = json_object();
    char *version = sanctagp_db_meta(db, "version");
    char *schema = sanctagp_db_meta(db, "schema_version");
    char *created = sanctagp_db_meta(db, "created_by");
    char *dirty = sanctagp_db_meta(db, "dirty"); /* "0": nothing changed since compiling */
    json_object_set_new(r, "path", json_string(path));
    json_object_set_new(r, "version", json_string(version ? version : ""));
    json_object_set_new(r, "schema_version", json_integer(schema ? atoi(schema) : 0));
    if (created)
        json_object_set_new(r, "created_by", json_string(created));

    /* the compiled matcher */
    sqlite3_stmt *st = NULL;
    json_t *m = json_object();
    if (sqlite3_prepare_v2(db, "SELECT version, format, length(image) FROM matcher WHERE id = 1",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        json_object_set_new(m, "stored", json_true());
        json_object_set_new(m, "image_bytes", json_integer(sqlite3_column_int64(st, 2)));
        json_object_set_new(m, "format", json_integer(sqlite3_column_int64(st, 1)));
        json_object_set_new(m, "compiled_from", json_string(txt(st, 0)));
        json_object_set_new(m, "current",
                            json_boolean(version && strcmp(txt(st, 0), version) == 0 && dirty &&
                                         strcmp(dirty, "0") == 0));
    } else {
        json_object_set_new(m, "stored", json_false());
        json_object_set_new(m, "current", json_false());
    }
    sqlite3_finalize(st);
    json_object_set_new(m, "entities", json_integer(sanctag_gazetteer_entity_count(gz)));
    json_object_set_new(m, "aliases", json_integer(sanctag_gazetteer_alias_count(gz)));
    json_object_set_new(m, "loaded_bytes", json_integer((json_int_t)gz->image_size));
    json_object_set_new(r, "matcher", m);

    /* sources */
    json_t *sources = json_array();
    if (sqlite3_prepare_v2(db,
                           "SELECT s.name, s.format, s.path, s.version, s.imported_at, "
                           "(SELECT count(*) FROM entity e WHERE e.source_id = s.id), "
                           "(SELECT count(*) FROM alias a WHERE a.source_id = s.id) "
                           "FROM source s ORDER BY s.id",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW)
            json_array_append_new(
                sources, json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "name", txt(st, 0), "format",
                                   txt(st, 1), "path", txt(st, 2), "version", txt(st, 3),
                                   "imported_at", txt(st, 4), "entities",
                                   (json_int_t)sqlite3_column_int64(st, 5), "aliases",
                                   (json_int_t)sqlite3_column_int64(st, 6)));
    }
    sqlite3_finalize(st);
    json_object_set_new(r, "sources", sources);

    /* entities per label, and per label and source */
    json_t *by_label = json_object(), *by_label_source = json_object();
    json_int_t nent = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT e.label, s.name, count(*) FROM entity e "
                           "JOIN source s ON s.id = e.source_id GROUP BY e.label, s.name "
                           "ORDER BY e.label, count(*) DESC, s.name",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            json_int_t n = sqlite3_column_int64(st, 2);
            nent += n;
            count_add(by_label, txt(st, 0), n);
            json_t *per = json_object_get(by_label_source, txt(st, 0));
            if (!per) {
                per = json_object();
                json_object_set_new(by_label_source, txt(st, 0), per);
            }
            count_add(per, txt(st, 1), n);
        }
    }
    sqlite3_finalize(st);
    json_object_set_new(r, "entities",
                        json_pack("{s:I,s:o,s:o}", "total", nent, "by_label", sorted(by_label),
                                  "by_label_and_source", by_label_source));
    json_decref(by_label);

    /* aliases: per kind, language and case policy; those that cannot match */
    json_t *kind = json_object(), *lang = json_object(), *policy = json_object();
    json_t *never = json_array();
    json_int_t nal = 0;
    sanctagp_tokens tk;
    memset(&tk, 0, sizeof tk);
    if (sqlite3_prepare_v2(db,
                           "SELECT a.text, a.kind, a.lang, a.case_policy, e.key, s.name "
                           "FROM alias a JOIN entity e ON e.id = a.entity_id "
                           "JOIN source s ON s.id = a.source_id ORDER BY a.id",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            char pol[32];
            size_t ntok;
            int brk;
            nal++;
            alias_shape(&tk, txt(st, 0), txt(st, 3), pol, sizeof pol, &ntok, &brk);
            count_add(kind, txt(st, 1), 1);
            count_add(lang, txt(st, 2), 1);
            count_add(policy, pol, 1);
            const char *why = ntok == 0                  ? "no tokens"
                              : brk                      ? "a sentence break inside"
                              : ntok > MAX_MATCH_TOKENS  ? "more than 64 tokens"
                                                         : NULL;
            if (why)
                json_array_append_new(never, json_pack("{s:s,s:s,s:s,s:s}", "alias", txt(st, 0),
                                                       "entity", txt(st, 4), "source",
                                                       txt(st, 5), "reason", why));
        }
    }
    sqlite3_finalize(st);
    sanctagp_tokens_release(&tk);

    /* aliases that name several entities (the first listed wins, "ambiguous") */
    json_int_t nshared = 0;
    json_t *shared = json_array();
    if (sqlite3_prepare_v2(db,
                           "SELECT min(a.text), count(DISTINCT a.entity_id), "
                           "group_concat(DISTINCT e.key) FROM alias a "
                           "JOIN entity e ON e.id = a.entity_id WHERE a.kind <> 'suppressor' "
                           "GROUP BY a.norm HAVING count(DISTINCT a.entity_id) > 1 "
                           "ORDER BY count(DISTINCT a.entity_id) DESC, a.norm",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (nshared++ < 20)
                json_array_append_new(shared,
                                      json_pack("{s:s,s:I,s:s}", "alias", txt(st, 0), "entities",
                                                (json_int_t)sqlite3_column_int64(st, 1), "keys",
                                                txt(st, 2)));
        }
    }
    sqlite3_finalize(st);
    json_int_t weak = 0, sup = 0;
    one_row(db, "SELECT (SELECT count(*) FROM alias WHERE kind = 'weak'), "
                "(SELECT count(*) FROM alias WHERE kind = 'suppressor')",
            &weak, &sup);
    json_t *al = json_pack("{s:I,s:o,s:o,s:o,s:I,s:I,s:I,s:o,s:o}", "total", nal, "by_kind",
                           sorted(kind), "by_lang", sorted(lang), "by_case", sorted(policy),
                           "weak_matched_only_with_weak", weak, "suppressors_never_emitted", sup,
                           "shared_by_several_entities", nshared, "shared_examples", shared,
                           "never_match", never);
    json_decref(kind);
    json_decref(lang);
    json_decref(policy);
    json_object_set_new(r, "aliases", al);

    /* sanctions: listed entities per list source and programme */
    json_t *lsrc = json_object(), *lprog = json_object();
    json_int_t nlisted = 0;
    if (sqlite3_prepare_v2(db, "SELECT list_source, programs FROM entity WHERE listed <> 0", -1,
                           &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            nlisted++;
            const char *src = *txt(st, 0) ? txt(st, 0) : "(no list source)";
            count_add(lsrc, src, 1);
            json_t *per = json_object_get(lprog, src);
            if (!per) {
                per = json_object();
                json_object_set_new(lprog, src, per);
            }
            json_t *progs = json_loads(txt(st, 1), 0, NULL);
            size_t k;
            json_t *p;
            if (json_is_array(progs) && json_array_size(progs))
                json_array_foreach(progs, k, p) count_add(per, json_is_string(p)
                                                                   ? json_string_value(p)
                                                                   : "?",
                                                          1);
            else
                count_add(per, "(no programme)", 1);
            json_decref(progs);
        }
    }
    sqlite3_finalize(st);
    json_t *lprog_sorted = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(lprog, k, v) json_object_set_new(lprog_sorted, k, sorted(v));
    json_decref(lprog);
    json_object_set_new(r, "listed",
                        json_pack("{s:I,s:o,s:o}", "total", nlisted, "by_list_source",
                                  sorted(lsrc), "by_list_source_and_programme", lprog_sorted));
    json_decref(lsrc);
    free(version);
    free(schema);
    free(created);
    free(dirty);
    return r;
}

/* ---- text output ----------------------------------------------------------- */

/* "  name  count" lines, the names padded to one width. */
static void print_counts(json_t *obj, const char *indent)
{
    size_t w = 0;
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) if (strlen(k) > w) w = strlen(k);
    json_object_foreach(obj, k, v)
        printf("%s%-*s  %7" JSON_INTEGER_FORMAT "\n", indent, (int)w, k, json_integer_value(v));
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

static void print_text(json_t *r)
{
    json_t *m = json_object_get(r, "matcher");
    printf("gazetteer       %s\n", str(r, "path"));
    printf("version         %s\n", str(r, "version"));
    printf("schema version  %" JSON_INTEGER_FORMAT "%s%s%s\n", num(r, "schema_version"),
           *str(r, "created_by") ? " (created by " : "", str(r, "created_by"),
           *str(r, "created_by") ? ")" : "");
    if (json_is_true(json_object_get(m, "stored")))
        printf("matcher         %" JSON_INTEGER_FORMAT " bytes stored (image format %" JSON_INTEGER_FORMAT
               "), %s\n",
               num(m, "image_bytes"), num(m, "format"),
               json_is_true(json_object_get(m, "current"))
                   ? "current"
                   : "STALE: entities or aliases changed since it was compiled; recompiled in "
                     "memory on every open until rebuilt");
    else
        printf("matcher         not stored: compiled in memory on every open\n");
    printf("                %" JSON_INTEGER_FORMAT " entities, %" JSON_INTEGER_FORMAT
           " aliases compiled (with accent variants; weak ones only with --weak)\n",
           num(m, "entities"), num(m, "aliases"));

    json_t *sources = json_object_get(r, "sources");
    printf("\nsources (%zu)\n", json_array_size(sources));
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
    printf("  %-*s  %-*s  %-*s  %-20s  %8s  %8s  %s\n", wn, "NAME", wf, "FORMAT", wv, "VERSION",
           "IMPORTED", "ENTITIES", "ALIASES", "PATH");
    json_array_foreach(sources, i, s)
        printf("  %-*s  %-*s  %-*s  %-20s  %8" JSON_INTEGER_FORMAT "  %8" JSON_INTEGER_FORMAT
               "  %s\n",
               wn, str(s, "name"), wf, str(s, "format"), wv, str(s, "version"),
               str(s, "imported_at"), num(s, "entities"), num(s, "aliases"), str(s, "path"));

    json_t *ents = json_object_get(r, "entities");
    printf("\nentities (%" JSON_INTEGER_FORMAT ") by label and source\n", num(ents, "total"));
    const char *label;
    json_t *n;
    json_t *per_src = json_object_get(ents, "by_label_and_source");
    size_t wl = 5;
    json_object_foreach(json_object_get(ents, "by_label"), label, n) if (strlen(label) > wl) wl =
        strlen(label);
    json_object_foreach(json_object_get(ents, "by_label"), label, n)
    {
        printf("  %-*s  %7" JSON_INTEGER_FORMAT "  ", (int)wl, label, json_integer_value(n));
        const char *src;
        json_t *c;
        int first = 1;
        json_object_foreach(json_object_get(per_src, label), src, c)
        {
            printf("%s%s %" JSON_INTEGER_FORMAT, first ? "" : ", ", src, json_integer_value(c));
            first = 0;
        }
        printf("\n");
    }

    json_t *al = json_object_get(r, "aliases");
    printf("\naliases (%" JSON_INTEGER_FORMAT ")\n  by kind\n", num(al, "total"));
    print_counts(json_object_get(al, "by_kind"), "    ");
    printf("  by language\n");
    print_counts(json_object_get(al, "by_lang"), "    ");
    printf("  by case policy\n");
    print_counts(json_object_get(al, "by_case"), "    ");
    printf("  weak (matched only with --weak): %" JSON_INTEGER_FORMAT
           "; suppressors (never emitted): %" JSON_INTEGER_FORMAT "\n",
           num(al, "weak_matched_only_with_weak"), num(al, "suppressors_never_emitted"));
    json_int_t nshared = num(al, "shared_by_several_entities");
    printf("  shared by several entities (first listed wins, marked ambiguous): %" JSON_INTEGER_FORMAT
           "\n",
           nshared);
    json_array_foreach(json_object_get(al, "shared_examples"), i, s)
        printf("    %-30s %s\n", str(s, "alias"), str(s, "keys"));
    if (nshared > (json_int_t)json_array_size(json_object_get(al, "shared_examples")))
        printf("    ... (--json lists the first 20)\n");
    json_t *never = json_object_get(al, "never_match");
    printf("  can never match: %zu\n", json_array_size(never));
    int wa = 0, we = 0;
    json_array_foreach(never, i, s)
    {
        if ((int)strlen(str(s, "alias")) > wa)
            wa = (int)strlen(str(s, "alias"));
        if ((int)strlen(str(s, "entity")) > we)
            we = (int)strlen(str(s, "entity"));
    }
    json_array_foreach(never, i, s)
        printf("    %-*s  %-*s  %s (source %s)\n", wa, str(s, "alias"), we, str(s, "entity"),
               str(s, "reason"), str(s, "source"));

    json_t *l = json_object_get(r, "listed");
    printf("\nsanctions-listed entities (%" JSON_INTEGER_FORMAT ")\n", num(l, "total"));
    const char *src;
    json_object_foreach(json_object_get(l, "by_list_source"), src, n)
    {
        printf("  %-20s %7" JSON_INTEGER_FORMAT "  programmes:", src, json_integer_value(n));
        const char *p;
        json_t *c;
        int first = 1;
        json_object_foreach(json_object_get(json_object_get(l, "by_list_source_and_programme"),
                                            src),
                            p, c)
        {
            printf("%s %s %" JSON_INTEGER_FORMAT, first ? "" : ",", p, json_integer_value(c));
            first = 0;
        }
        printf("\n");
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
            fprintf(stderr, "Try 'sanctag gaz stats --help'.\n");
            return EXIT_USAGE;
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
    sqlite3 *db = NULL;
    sanctag_gazetteer *gz = NULL;
    if (sanctagp_db_open(path, DB_READ, &db, &e) || sanctag_gazetteer_open(path, 0, &gz, &e)) {
        cli_error(&e);
        if (db)
            sqlite3_close(db);
        return EXIT_FATAL;
    }
    json_t *r = collect(path, db, gz);
    sqlite3_close(db);
    sanctag_gazetteer_unref(gz);
    if (!r) {
        cli_warn("out of memory");
        return EXIT_FATAL;
    }
    if (as_json) {
        json_dumpf(r, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        print_text(r);
    }
    json_decref(r);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_warn("write error: %s", strerror(errno));
        return EXIT_FATAL;
    }
    return EXIT_OK_;
}
