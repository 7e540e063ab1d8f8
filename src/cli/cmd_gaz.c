/* cmd_gaz.c - `sanctag gaz`: build gazetteer databases from sources, look up aliases. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "gazetteer/queries.h"
#include "cli.h"

/* `sanctag gaz import` (cmd_gaz_import.c); argv[0] names the subcommand. */
int gaz_import(int argc, char **argv);

static void help(FILE *f)
{
    fprintf(f,
            "Usage: sanctag gaz build [--force] OUT.db SOURCE...\n"
            "       sanctag gaz lookup [--db PATH] [--json] NAME...\n"
            "       sanctag gaz stats [--db PATH] [--json]\n"
            "       sanctag gaz import [--create] [--source NAME] --format FORMAT DB FILE...\n"
            "       sanctag gaz link [--note TEXT] DB CURATED_KEY RECORD\n"
            "       sanctag gaz unlink DB CURATED_KEY RECORD\n"
            "\n"
            "build   compiles gazetteer sources into a new SQLite database OUT.db, all or\n"
            "        nothing: on any error nothing is written. A SOURCE is a .tsv file, a\n"
            "        .jsonl file, icu:countries (every ISO 3166-1 country with its English\n"
            "        and Indonesian names from ICU's locale data) or a .model file: a\n"
            "        statistical name model made by scripts/train-ner.sh (at most one; it is\n"
            "        stored with its provenance and loaded with the gazetteer). Later sources\n"
            "        may refine an alias an earlier one gave (its case policy, kind or\n"
            "        language).\n"
            "        --force replaces an existing OUT.db.\n"
            "lookup  shows the entities an alias resolves to: the alias is normalised the way\n"
            "        the matcher compares text (case, width, hyphens), so 'KORUT', 'korut' and\n"
            "        'Korut' answer alike. Each entity comes with its aliases (kind,\n"
            "        language, case policy, source), its source and its sanctions listing.\n"
            "        A NAME that is no alias may be an entity key ('country:KP') or any\n"
            "        surface form as text has it ('Korut,', 'sanksi DK PBB'): then the\n"
            "        entities of the mentions the tagger finds in it are shown. An alias a\n"
            "        list import made weak or dropped is shown with the rule and evidence\n"
            "        (sanctag gaz import --help). Exit status 1 when a NAME resolves to\n"
            "        nothing.\n"
            "stats   summarises a gazetteer (sanctag gaz stats --help).\n"
            "import  loads a sanctions list (UN un-xml, OFAC ofac-csv, OpenSanctions ftm,\n"
            "        tsv, jsonl) into DB as one source, replacing it atomically, and prints\n"
            "        what changed on the list (sanctag gaz import --help).\n"
            "link    says a curated entity and a list record are the same body or person:\n"
            "unlink  spans keep the curated key and carry every list record behind it\n"
            "        (sanctag gaz link --help); 'unlink' undoes one.\n"
            "\n"
            "TSV source format (UTF-8, tab-separated, '#' comments, header line first):\n"
            "  key  label  name  country  alias  lang  kind  case  accents  valid_from\n"
            "  valid_to  source  attrs\n"
            "  One row per alias; key, label, alias and source are required. kind is name,\n"
            "  abbreviation, official, nickname, demonym, weak (not matched by default) or\n"
            "  suppressor (wins over shorter matches inside it, never emitted: \"dolar AS\").\n"
            "  case is auto (all-caps tokens of <= 3 letters exact, longer all-caps need a\n"
            "  capital first letter, anything else any case), fold, cap or exact.\n"
            "\n"
            "Examples:\n"
            "  sanctag gaz build my.db icu:countries gazetteers/*.tsv my-names.tsv\n"
            "  sanctag gaz build my.db icu:countries gazetteers/*.tsv gazetteers/names.model\n"
            "  sanctag gaz lookup 'DK PBB'\n"
            "  sanctag gaz lookup --db my.db --json 'Kim Jong-un'\n"
            "  sanctag gaz lookup country:KP 'Korut,'\n"
            "  sanctag gaz stats --db my.db\n");
}

/* ---- build ----------------------------------------------------------------- */

static int gaz_build(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"force", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    int force = 0, ch;
    while ((ch = getopt_long(argc, argv, "hf", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            help(stdout);
            return EXIT_OK_;
        case 'f': force = 1; break;
        default:
            return cli_bad_option("gaz", argv, opts, "hf");
        }
    }
    if (argc - optind < 2)
        return cli_usage("gaz build", "needs OUT.db and at least one SOURCE");
    const char *out = argv[optind];
    struct stat sb;
    if (!force && stat(out, &sb) == 0)
        return cli_usage("gaz build", "%s exists; use --force to replace it", out);

    size_t n = strlen(out) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        cli_warn("out of memory");
        return EXIT_FATAL;
    }
    snprintf(tmp, n, "%s.tmpXXXXXX", out);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        cli_warn("%s: cannot create: %s", out, strerror(errno));
        free(tmp);
        return EXIT_FATAL;
    }
    close(fd);
    unlink(tmp);

    sanctag_error e;
    memset(&e, 0, sizeof e);
    sqlite3 *db = NULL;
    int rc = sanctagp_db_open(tmp, DB_CREATE, &db, &e);
    if (!rc)
        rc = sanctagp_db_exec(db, out, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                                       "BEGIN",
                              &e);
    /* link sources last, as they name entities of the others (a shell glob
     * of gazetteers/ puts links.tsv before organizations.tsv) */
    for (int pass = 0; pass < 2; pass++)
        for (int i = optind + 1; i < argc && !rc; i++)
            if (sanctagp_source_is_links(argv[i]) == pass)
                rc = sanctagp_source_add(db, out, argv[i], &e);
    if (!rc)
        rc = sanctagp_db_refresh(db, out, &e);
    if (!rc)
        rc = sanctagp_db_exec(db, out, "COMMIT", &e);
    long long nent = 0, nal = 0, nsrc = 0;
    char *version = NULL;
    if (!rc) {
        sanctagp_db_counts(db, &nent, &nal, &nsrc);
        version = sanctagp_db_meta(db, "version");
        rc = sanctagp_db_exec(db, out, "VACUUM", &e);
    }
    if (db && sqlite3_close(db) != SQLITE_OK && !rc)
        rc = sanctagp_error_set(&e, SANCTAG_E_DB, out, 0, 0, -1, "%s: cannot close", out);
    if (!rc && rename(tmp, out) != 0)
        rc = sanctagp_error_set(&e, SANCTAG_E_IO, out, 0, 0, -1, "%s: cannot rename into place: %s",
                                out, strerror(errno));
    if (rc) {
        unlink(tmp);
        cli_error(&e);
        cli_warn("%s: nothing written", out);
        free(tmp);
        free(version);
        return EXIT_FATAL;
    }
    fprintf(stderr, "sanctag: built %s: %lld entities, %lld aliases from %lld sources (version %s)\n",
            out, nent, nal, nsrc, version ? version : "?");
    free(tmp);
    free(version);
    return EXIT_OK_;
}

/* ---- lookup ---------------------------------------------------------------- */

/* An entity's list records behind its listing and its links (links.h). */
static void print_links(FILE *f, json_t *o)
{
    size_t k;
    json_t *r;
    json_array_foreach(json_object_get(json_object_get(o, "sanctions"), "records"), k, r)
    {
        char *progs = json_dumps(json_object_get(r, "programs"), JSON_COMPACT);
        const char *on = json_string_value(json_object_get(r, "listed_on"));
        fprintf(f, "      record %s %s programs %s%s%s (list entity %s)\n",
               json_string_value(json_object_get(r, "source")),
               json_string_value(json_object_get(r, "ref")), progs ? progs : "[]",
               on ? " listed on " : "", on ? on : "",
               json_string_value(json_object_get(r, "entity")));
        free(progs);
    }
    json_array_foreach(json_object_get(o, "links"), k, r)
    {
        const char *note = json_string_value(json_object_get(r, "note"));
        fprintf(f, "    link %s <- %s:%s (%s%s)%s%s\n", json_string_value(json_object_get(r, "curated")),
               json_string_value(json_object_get(r, "source")),
               json_string_value(json_object_get(r, "ref")),
               json_string_value(json_object_get(r, "origin")),
               json_is_true(json_object_get(r, "applied")) ? "" : ", not applied",
               *note ? ": " : "", note);
    }
}

/* One NAME's answer as text (data text: through a cleaning stream). */
static void print_lookup(FILE *f, const char *name, const char *norm, json_t *res)
{
    fprintf(f, "%s  (normalised: \"%s\")\n", name, norm);
    if (json_array_size(res) == 0)
        fprintf(f, "  no entity has this alias\n");
    size_t k;
    json_t *o;
    json_array_foreach(res, k, o)
    {
        const char *country = json_string_value(json_object_get(o, "country"));
        fprintf(f, "  %s  %s  \"%s\"%s%s%s\n", json_string_value(json_object_get(o, "key")),
                json_string_value(json_object_get(o, "label")),
                json_string_value(json_object_get(o, "name")), country ? "  [" : "",
                country ? country : "", country ? "]" : "");
        json_t *mt = json_object_get(o, "matches_as_typed");
        json_t *fb = json_object_get(o, "found_by");
        if (json_is_string(fb))
            fprintf(f, "    found by its entity key\n");
        else if (fb)
            fprintf(f, "    not an alias as a whole; the tagger finds the mention \"%s\" in it\n",
                    json_string_value(json_object_get(fb, "mention")));
        else if (json_is_false(mt))
            fprintf(f, "    not matched as typed: its case policy wants another letter case\n");
        else if (json_is_null(mt))
            fprintf(f, "    not matched by the tagger (weak alias; see --weak)\n");
        const char *vf = json_string_value(json_object_get(o, "valid_from"));
        const char *vt = json_string_value(json_object_get(o, "valid_to"));
        if (vf || vt)
            fprintf(f, "    valid: %s .. %s\n", vf ? vf : "", vt ? vt : "");
        json_t *sa = json_object_get(o, "sanctions");
        if (sa) {
            char *progs = json_dumps(json_object_get(sa, "programs"), JSON_COMPACT);
            const char *on = json_string_value(json_object_get(sa, "listed_on"));
            /* OFAC's SDN files give no listing date: then none is printed */
            fprintf(f, "    LISTED: %s %s programs %s%s%s\n",
                    json_string_value(json_object_get(sa, "source")),
                    json_string_value(json_object_get(sa, "ref")), progs ? progs : "[]",
                    on && *on ? " listed on " : "", on && *on ? on : "");
            free(progs);
        }
        print_links(f, o);
        fprintf(f, "    source: %s\n", json_string_value(json_object_get(o, "source")));
        size_t q;
        json_t *a;
        json_array_foreach(json_object_get(o, "aliases"), q, a)
        {
            const char *lang = json_string_value(json_object_get(a, "lang"));
            fprintf(f, "    alias %-32s %-12s %-3s case %-12s from %s%s%s\n",
                    json_string_value(json_object_get(a, "alias")),
                    json_string_value(json_object_get(a, "kind")), *lang ? lang : "-",
                    json_string_value(json_object_get(a, "case")),
                    json_string_value(json_object_get(a, "source")),
                    *json_string_value(json_object_get(a, "origin")) ? ": " : "",
                    json_string_value(json_object_get(a, "origin")));
            json_t *pol = json_object_get(a, "policy");
            if (pol)
                fprintf(f, "      %s by the import policy, rule %s: %s\n",
                        json_string_value(json_object_get(pol, "action")),
                        json_string_value(json_object_get(pol, "rule")),
                        json_string_value(json_object_get(pol, "evidence")));
        }
    }
}

/* Aliases of this normal form a list import dropped, and why. */
static void print_dropped(FILE *f, json_t *dropped)
{
    size_t k;
    json_t *d;
    json_array_foreach(dropped, k, d)
        fprintf(f, "  dropped \"%s\" of %s (source %s) by the import policy, rule %s: %s\n",
                json_string_value(json_object_get(d, "alias")),
                json_string_value(json_object_get(d, "key")),
                json_string_value(json_object_get(d, "source")),
                json_string_value(json_object_get(d, "rule")),
                json_string_value(json_object_get(d, "evidence")));
}

static int gaz_lookup(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "db", required_argument, NULL, 'd' },
        { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    const char *dbarg = NULL;
    int as_json = 0, ch;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            help(stdout);
            return EXIT_OK_;
        case 'd': dbarg = optarg; break;
        case 'j': as_json = 1; break;
        default:
            return cli_bad_option("gaz", argv, opts, "h");
        }
    }
    if (optind >= argc)
        return cli_usage("gaz lookup", "needs at least one NAME");
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
    int missing = 0;
    for (int i = optind; i < argc; i++) {
        const char *name = argv[i];
        char *norm = sanctag_normalize(name, strlen(name));
        if (!norm) {
            cli_warn("'%s' is not valid UTF-8", name);
            missing = 1;
            continue;
        }
        json_t *res = sanctagp_gazq_lookup(q, name, norm);
        if (!res) {
            free(norm);
            sanctagp_gazq_close(q);
            cli_warn("out of memory");
            return EXIT_FATAL;
        }
        if (json_array_size(res) == 0)
            missing = 1;
        json_t *dropped = sanctagp_gazq_dropped(q, norm);
        if (as_json) {
            json_t *doc = json_pack("{s:s,s:s,s:o}", "query", name, "normalized", norm,
                                    "entities", res);
            if (json_array_size(dropped))
                json_object_set(doc, "dropped", dropped);
            json_dumpf(doc, stdout, JSON_COMPACT);
            putchar('\n');
            json_decref(doc);
        } else {
            cli_clean cl;
            FILE *f = cli_clean_open(&cl, stdout);
            print_lookup(f, name, norm, res);
            print_dropped(f, dropped);
            cli_clean_close(&cl);
            json_decref(res);
        }
        json_decref(dropped);
        free(norm);
    }
    sanctagp_gazq_close(q);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_warn("write error: %s", strerror(errno));
        return EXIT_FATAL;
    }
    return missing ? EXIT_DOCS : EXIT_OK_;
}

int cmd_gaz(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        help(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK_;
    }
    const char *sub = argv[1];
    char prog[64];
    snprintf(prog, sizeof prog, "sanctag gaz %s", sub);
    argv[1] = prog; /* getopt's messages name the subcommand */
    if (strcmp(sub, "build") == 0)
        return gaz_build(argc - 1, argv + 1);
    if (strcmp(sub, "lookup") == 0)
        return gaz_lookup(argc - 1, argv + 1);
    if (strcmp(sub, "stats") == 0)
        return gaz_stats(argc - 1, argv + 1);
    if (strcmp(sub, "import") == 0)
        return gaz_import(argc - 1, argv + 1);
    if (strcmp(sub, "link") == 0 || strcmp(sub, "unlink") == 0)
        return gaz_link(argc - 1, argv + 1, sub[0] == 'u');
    static const char *const subs[] = {"build", "lookup", "stats", "import", "link", "unlink"};
    const char *near = cli_nearest(sub, subs, 6);
    return cli_usage("gaz", "unknown subcommand '%s'%s%s%s (build, lookup, stats, import, link, unlink)",
                     sub, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
}
