/* cmd_gaz_import.c - `sanctag gaz import`: loads a sanctions list (UN Security
 * Council, OFAC SDN, OpenSanctions, or plain TSV/JSONL) into a gazetteer as one
 * source, all or nothing, and prints what changed on the list. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "gazetteer/gazetteer.h"
#include "import/import.h"
#include "cli.h"

/* The `gaz import` subcommand; argv[0] names it. Returns an exit status. */
int gaz_import(int argc, char **argv);

static void help(FILE *f)
{
    fprintf(f,
            "Usage: sanctag gaz import [OPTIONS] --format FORMAT DB FILE...\n"
            "\n"
            "Imports a sanctions list into the gazetteer DB as one source, replacing what\n"
            "that source held: in one transaction, so a malformed file (reported with its\n"
            "line or record) leaves DB untouched. Prints what changed on the list, one line\n"
            "per entity, to standard output:\n"
            "  + un:KPi.080 PERSON \"TSANG YUNG YUAN\"            added\n"
            "  - ofac:12345 ORG \"...\"                          removed\n"
            "  ~ un:KPe.001 ORG \"...\": programs [...] -> [...]  changed (what changed)\n"
            "and a summary line to standard error. Spans of listed entities then carry\n"
            "\"sanctions\": {\"listed\", \"programs\", \"source\", \"ref\"} (sanctag tag\n"
            "--listed-only keeps only those).\n"
            "\n"
            "Formats:\n"
            "  un-xml    UN Security Council consolidated list (consolidated.xml); keys\n"
            "            un:REFERENCE_NUMBER (un:KPi.033); default source un-sc\n"
            "  ofac-csv  OFAC SDN legacy CSV: sdn.csv with alt.csv (aliases) and optionally\n"
            "            add.csv (addresses), in any order; keys ofac:ENT_NUM; default source\n"
            "            ofac-sdn. Aircraft are not imported.\n"
            "  ftm       OpenSanctions FollowTheMoney entities, one JSON object per line\n"
            "            (Person, Organization, Company, LegalEntity, PublicBody, Vessel and\n"
            "            Sanction); keys ftm:ID; default source opensanctions\n"
            "  tsv       the 'gaz build' TSV columns plus listed, programs (';'-separated or\n"
            "            a JSON array), list_ref and listed_on; default source: file name\n"
            "  jsonl     the 'gaz build' JSONL fields plus the same sanctions fields\n"
            "  lines     a plain list, one name per line (blank lines and '#' comments\n"
            "            skipped), each its own unlisted entity with --label; keys\n"
            "            SOURCE:HASH-OF-NAME; default source: file name\n"
            "\n"
            "Options:\n"
            "  --format FORMAT  one of the formats above (required)\n"
            "  --source NAME    source name (default per format, see above); importing the\n"
            "                   same source again replaces it and shows the difference\n"
            "  --create         create DB as an empty gazetteer when it does not exist;\n"
            "                   it is built as DB.newXXXXXX and named DB only when the\n"
            "                   import succeeded, so a failed or killed one leaves no DB\n"
            "                   (the next --create removes a killed one's DB.newXXXXXX)\n"
            "  --dry-run        show what would change, write nothing\n"
            "  --json           print the difference as one JSON object\n"
            "  -q, --quiet      print only the summary lines (collisions counted, not\n"
            "                   listed)\n"
            "  --strict         refuse the import when an alias of the list collides with\n"
            "                   an alias of another entity (see below): nothing is written,\n"
            "                   the collisions are listed, exit status 1\n"
            "  --label LABEL    lines: the label of every name (PERSON, ORG, VESSEL, ...)\n"
            "  --case POLICY    lines: auto (default), fold, cap or exact for every name\n"
            "  --accents A      lines: fold (default) or strict\n"
            "\n"
            "List names become aliases the way news writes them: 'KIM, Jong Un' also as\n"
            "'Jong Un KIM' and, for East Asian names, 'KIM Jong Un'; person names match in\n"
            "any case ('Kim Jong-un', 'KIM JONG UN'); organisation and vessel names need\n"
            "capitals where news writes them. Low-quality aliases (UN QUALITY Low, OFAC\n"
            "weak a.k.a., FtM weakAlias) and one-word person aliases are weak: matched only\n"
            "with 'sanctag tag --weak'.\n"
            "\n");
    fprintf(f,
            "Name policy (docs/alias-policy.md), from the gazetteer's lexicon (word tables\n"
            "'gaz build' stores from gazetteers/common-words.tsv, given-names.tsv and\n"
            "news-names.tsv; without them only the structural rules apply), the other sources\n"
            "and the list itself. Dropped (never matched): a parenthesised part that is a\n"
            "qualifier, not a name ('(MALAYSIA)', '(NGO)': in >= 2 names of the list, a place\n"
            "or a legal form); an alias equal to one of a COUNTRY or LOCATION, of a curated\n"
            "entity, or of another list's entity with another label (a collision: the other\n"
            "entity keeps the mention); a legal-form word alone ('LLC', 'HOLDING': the last\n"
            "word of many listed ORG names). Weak: a one-word name that is a common word or\n"
            "given name, an acronym written in capitals in the news sample, a word\n"
            "capitalised in >= 2 of its articles, a word of <= 3 letters not in capitals\n"
            "('Jit'), a ship's name of words the news writes ('Golden Phoenix') or a person's\n"
            "name ('Mikhail Lomonosov'); a person name made only of common given-name tokens\n"
            "('Abdul Majid'), of two words one a common East Asian surname ('Yu Jin'), of a\n"
            "common given name and a word capitalised in >= 10 articles ('Muhammad Haris'),\n"
            "or a short form without the patronymic that several persons of the list bear\n"
            "('Vladimir IVANOV'). Standard error gets one line per rule with the aliases it\n"
            "made weak or dropped, and one per collision (alias, imported key, other key);\n"
            "'sanctag gaz lookup ALIAS' says why for any alias.\n"
            "\n"
            "Links (one entity per real-world thing): a record whose full name collides\n"
            "with an alias of exactly one curated entity of the same label and a\n"
            "compatible country (the same, or either unknown) is linked to it, unless a\n"
            "link names the record already (gazetteers/links.tsv, 'gaz link', or one\n"
            "'gaz unlink' rejected). Spans of the curated entity then carry the listing:\n"
            "\"entity\" stays the curated key, \"sanctions\".\"records\" lists every list\n"
            "record behind it. Links name records by list and reference, so a re-import\n"
            "of a newer list keeps them. Standard error gets one line a proposed link;\n"
            "several records of one list with one curated entity's full name are\n"
            "namesakes: held back and listed, for 'gaz link'.\n"
            "\n"
            "Exit status: 0 imported, 1 refused by --strict (nothing written), 2 usage\n"
            "error, 3 nothing written (bad input, missing DB, database error).\n"
            "\n"
            "Examples:\n"
            "  sanctag gaz import --format un-xml my.db consolidated.xml\n"
            "  sanctag gaz import --format ofac-csv my.db sdn.csv alt.csv\n"
            "  sanctag gaz import --create --format ftm lists.db entities.ftm.json\n"
            "  sanctag gaz import --dry-run --json --format un-xml my.db today.xml\n");
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* Entities in a report's "added", "removed" or "changed": a list, or its
 * length when only counts were asked for. */
static size_t count_of(json_t *v)
{
    return json_is_array(v) ? json_array_size(v) : (size_t)json_integer_value(v);
}

static void print_entry(FILE *out, char mark, json_t *e)
{
    fprintf(out, "%c %s %s \"%s\"", mark, str(e, "key"), str(e, "label"), str(e, "name"));
}

static void print_changed(FILE *out, json_t *e)
{
    print_entry(out, '~', e);
    const char *sep = ": ";
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(e, "changes"), i, c)
    {
        fprintf(out, "%s%s \"%s\" -> \"%s\"", sep, str(c, "field"), str(c, "old"),
                str(c, "new"));
        sep = "; ";
    }
    json_array_foreach(json_object_get(e, "aliases_added"), i, c)
    {
        fprintf(out, "%salias +\"%s\"", sep, json_string_value(c));
        sep = "; ";
    }
    json_array_foreach(json_object_get(e, "aliases_removed"), i, c)
    {
        fprintf(out, "%salias -\"%s\"", sep, json_string_value(c));
        sep = "; ";
    }
    json_array_foreach(json_object_get(e, "aliases_kind"), i, c)
    {
        fprintf(out, "%salias \"%s\" %s -> %s", sep, str(c, "alias"), str(c, "old"),
                str(c, "new"));
        sep = "; ";
    }
    fputc('\n', out);
}

/* ---- a new gazetteer ----------------------------------------------------------
 * is built as PATH.newXXXXXX and linked into place once complete: a create
 * that fails or is killed leaves no PATH behind that a later --create would
 * refuse. The builder holds a flock() on its file while it lives, so a later
 * create tells the files of killed builders (nobody holds their lock) from
 * those in progress, and removes them. */

/* Removes PATH.newXXXXXX files (and their journals) of killed creates. */
static void remove_stale(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dlen = slash ? (size_t)(slash - path) + 1 : 0, blen = strlen(base);
    char dir[4096], name[4096 + 32];
    snprintf(dir, sizeof dir, "%.*s", dlen ? (int)dlen : 1, dlen ? path : ".");
    DIR *d = strlen(path) < sizeof dir ? opendir(dir) : NULL;
    for (struct dirent *de; d && (de = readdir(d)) != NULL;) {
        if (strncmp(de->d_name, base, blen) != 0 || strncmp(de->d_name + blen, ".new", 4) != 0 ||
            strlen(de->d_name + blen + 4) != 6)
            continue;
        snprintf(name, sizeof name, "%.*s%s", (int)dlen, path, de->d_name);
        int fd = open(name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        char head[16] = "";
        /* ours: empty (SQLite writes nothing before its first commit) or a
         * database, and nobody holds its lock */
        ssize_t got = fd >= 0 ? read(fd, head, sizeof head) : -1;
        if ((got == 0 || (got == 16 && memcmp(head, "SQLite format 3", 16) == 0)) &&
            flock(fd, LOCK_EX | LOCK_NB) == 0) {
            unlink(name);
            cli_warn("%s: removed, left by a create that was interrupted", name);
            strcat(name, "-journal");
            unlink(name);
        }
        if (fd >= 0)
            close(fd);
    }
    if (d)
        closedir(d);
}

/* A free name beside PATH for building a new gazetteer in. */
static int temp_name(const char *path, char **ret, sanctag_error *e)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return sanctagp_error_set(e, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
    snprintf(tmp, n, "%s.newXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int rc = sanctagp_error_set(e, SANCTAG_E_IO, path, 0, 0, -1, "%s: cannot create: %s",
                                    path, strerror(errno));
        free(tmp);
        return rc;
    }
    close(fd);
    unlink(tmp); /* SQLite creates it again; the name stays ours in practice */
    *ret = tmp;
    return 0;
}

/* Gives the finished TMP its name PATH, never replacing a PATH that appeared
 * meanwhile (link fails then); rename where the file system has no links. */
static int link_into_place(const char *tmp, const char *path, sanctag_error *e)
{
    if (link(tmp, path) == 0)
        return 0;
    if (errno != EEXIST && rename(tmp, path) == 0)
        return 0;
    return sanctagp_error_set(e, SANCTAG_E_IO, path, 0, 0, -1, "%s: cannot create: %s", path,
                              errno == EEXIST ? "it appeared while importing" : strerror(errno));
}

/* `gaz import --create` of a PATH that does not exist. */
static int import_new(const char *path, const sanctagp_import_opts *o, const char *const *files,
                      size_t nfiles, json_t **report, sanctag_error *e)
{
    remove_stale(path);
    char *tmp = NULL;
    int rc = temp_name(path, &tmp, e);
    if (rc)
        return rc;
    sqlite3 *db = NULL;
    int lock = -1;
    if (!(rc = sanctagp_db_open(tmp, DB_CREATE, &db, e))) {
        if ((lock = open(tmp, O_RDONLY | O_CLOEXEC)) >= 0)
            flock(lock, LOCK_EX | LOCK_NB);
        rc = sanctagp_import(db, path, o, files, nfiles, report, e);
    }
    if (db && sqlite3_close(db) != SQLITE_OK && !rc)
        rc = sanctagp_error_set(e, SANCTAG_E_DB, path, 0, 0, -1, "%s: cannot close database",
                                path);
    /* refused by --strict: nothing written, so no DB either */
    if (!rc && !json_is_true(json_object_get(*report, "refused")))
        rc = link_into_place(tmp, path, e);
    unlink(tmp);
    /* only now: closing any descriptor of a file drops all the POSIX locks
     * the process holds on it, SQLite's included */
    if (lock >= 0)
        close(lock);
    free(tmp);
    return rc;
}

/* What the name policy did, to `err` (standard error through a cleaning
 * stream: names are data): a notice when the gazetteer has no lexicon, one
 * line a rule, one a collision. */
static void print_policy(FILE *err, json_t *p)
{
    if (!p)
        return;
    if (json_integer_value(json_object_get(p, "lexicon_words")) == 0)
        fprintf(err, "%s: notice: the gazetteer has no lexicon (built before it, or without "
                     "gazetteers/*-words.tsv): structural name rules only\n", cli_prog);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(p, "rules"), i, r)
        fprintf(err, "sanctag: policy %-18s %-7s %lld aliases\n", str(r, "rule"),
                str(r, "action"), (long long)json_integer_value(json_object_get(r, "aliases")));
    json_t *c = json_object_get(p, "collisions");
    if (json_is_integer(c)) {
        fprintf(err, "sanctag: %lld collisions with other entities\n",
                (long long)json_integer_value(c));
        return;
    }
    fprintf(err, "sanctag: %zu collisions with other entities\n", json_array_size(c));
    json_array_foreach(c, i, r)
        fprintf(err, "sanctag: collision \"%s\" %s -> %s (%s, %s): %s\n", str(r, "alias"),
                str(r, "key"), str(r, "other_key"), str(r, "other_label"),
                str(r, "other_source"), str(r, "rule"));
}

/* The links proposed at import (links.h), to `err` (standard error through a
 * cleaning stream): a count, and
 * one line a link unless --quiet; then those held back. */
static void print_links(FILE *err, json_t *report, int quiet, int dry_run)
{
    json_t *links = json_object_get(report, "links_proposed");
    json_t *held = json_object_get(report, "links_held");
    size_t i;
    json_t *r;
    if (json_array_size(links))
        fprintf(err, "sanctag: %zu links proposed and %s (`sanctag gaz unlink` undoes one)\n",
                json_array_size(links), dry_run ? "would be applied" : "applied");
    if (!quiet)
        json_array_foreach(links, i, r)
            fprintf(err, "sanctag: link %s <- %s:%s (%s \"%s\"): same full name\n",
                    str(r, "curated"), str(r, "source"), str(r, "ref"), str(r, "entity"),
                    str(r, "name"));
    if (json_array_size(held))
        fprintf(err,
                "sanctag: %zu links not proposed: several records of the list have the full "
                "name of one curated entity (`sanctag gaz link` the right one)\n",
                json_array_size(held));
    if (!quiet)
        json_array_foreach(held, i, r)
            fprintf(err, "sanctag: namesake %s ? %s:%s (%s \"%s\")\n", str(r, "curated"),
                    str(r, "source"), str(r, "ref"), str(r, "entity"), str(r, "name"));
}

/* The report of a finished import: entries on stdout (or the JSON report),
 * the summary line and the name policy's counts on stderr. */
static void print_report(json_t *report, const char *path, int as_json, int quiet, int dry_run)
{
    json_t *added = json_object_get(report, "added");
    json_t *removed = json_object_get(report, "removed");
    json_t *changed = json_object_get(report, "changed");
    if (as_json) {
        json_dumpf(report, stdout, JSON_COMPACT);
        putchar('\n');
    } else if (!quiet) {
        size_t i;
        json_t *x;
        cli_clean cl; /* names from the list: cleaned for the terminal */
        FILE *out = cli_clean_open(&cl, stdout);
        json_array_foreach(added, i, x)
        {
            print_entry(out, '+', x);
            fputc('\n', out);
        }
        json_array_foreach(removed, i, x)
        {
            print_entry(out, '-', x);
            fputc('\n', out);
        }
        json_array_foreach(changed, i, x)
        {
            print_changed(out, x);
        }
        cli_clean_close(&cl);
    }
    cli_clean ce; /* the source, version and colliding names are data too */
    FILE *err = cli_clean_open(&ce, stderr);
    fprintf(err,
            "sanctag: %s %s (%s, version %s) %s %s: %lld entities (%lld listed), %lld aliases "
            "(%lld weak); +%zu -%zu ~%zu =%lld",
            dry_run ? "would import" : "imported", str(report, "source"), str(report, "format"),
            str(report, "version"), "into", path,
            (long long)json_integer_value(json_object_get(report, "entities")),
            (long long)json_integer_value(json_object_get(report, "listed")),
            (long long)json_integer_value(json_object_get(report, "aliases")),
            (long long)json_integer_value(json_object_get(report, "weak_aliases")),
            count_of(added), count_of(removed), count_of(changed),
            (long long)json_integer_value(json_object_get(report, "unchanged")));
    const char *reason;
    json_t *count;
    const char *sep = "; skipped: ";
    json_object_foreach(json_object_get(report, "skipped"), reason, count)
    {
        fprintf(err, "%s%lld %s", sep, (long long)json_integer_value(count), reason);
        sep = ", ";
    }
    fputc('\n', err);
    print_policy(err, json_object_get(report, "policy"));
    print_links(err, report, quiet, dry_run);
    cli_clean_close(&ce);
}

int gaz_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"source", required_argument, NULL, 's'},
        {"create", no_argument, NULL, 'c'},
        {"dry-run", no_argument, NULL, 'n'},
        {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"label", required_argument, NULL, 'L'},
        {"case", required_argument, NULL, 'C'},
        {"accents", required_argument, NULL, 'A'},
        {"strict", no_argument, NULL, 'S'},
        {NULL, 0, NULL, 0},
    };
    sanctagp_import_opts o = {.format = -1, .source = NULL, .dry_run = 0};
    const char *format = NULL;
    int create = 0, as_json = 0, quiet = 0, ch;
    while ((ch = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            help(stdout);
            return fflush(stdout) == 0 ? EXIT_OK_ : EXIT_FATAL;
        case 'f': format = optarg; break;
        case 's': o.source = optarg; break;
        case 'c': create = 1; break;
        case 'n': o.dry_run = 1; break;
        case 'j': as_json = 1; break;
        case 'q': quiet = 1; break;
        case 'L': o.label = optarg; break;
        case 'C': o.case_policy = optarg; break;
        case 'A': o.accents = optarg; break;
        case 'S': o.strict = 1; break;
        default:
            return cli_bad_option("gaz import", argv, opts, "hq");
        }
    }
    if (!format)
        return cli_usage("gaz import",
                         "--format is required (un-xml, ofac-csv, ftm, tsv, jsonl, lines)");
    if ((o.format = sanctagp_import_format(format)) < 0)
        return cli_usage("gaz import",
                         "unknown format '%s' (un-xml, ofac-csv, ftm, tsv, jsonl, lines)", format);
    if (o.format == IMP_LINES && !o.label)
        return cli_usage("gaz import", "--format lines needs --label LABEL (PERSON, ORG, ...)");
    if (o.format != IMP_LINES && (o.label || o.case_policy || o.accents))
        return cli_usage("gaz import", "--label, --case and --accents apply to --format lines");
    if (argc - optind < 2)
        return cli_usage("gaz import", "needs DB and at least one FILE");
    const char *path = argv[optind];
    const char *const *files = (const char *const *)argv + optind + 1;
    size_t nfiles = (size_t)(argc - optind - 1);

    sanctag_error e;
    memset(&e, 0, sizeof e);
    struct stat sb;
    int created = 0;
    sqlite3 *db = NULL;
    if (stat(path, &sb) != 0 && errno == ENOENT) {
        if (!create) {
            cli_warn("%s: gazetteer not found (build one with 'sanctag gaz build', or pass "
                     "--create to start an empty one)",
                     path);
            return EXIT_FATAL;
        }
        if (o.dry_run) {
            cli_warn("%s: does not exist; --dry-run creates nothing", path);
            return EXIT_FATAL;
        }
        created = 1;
    }
    /* --quiet prints only the summary: the lists of entities are not built */
    o.counts_only = quiet && !as_json;
    json_t *report = NULL;
    int rc = 0;
    if (created) {
        rc = import_new(path, &o, files, nfiles, &report, &e);
    } else {
        rc = sanctagp_db_open(path, DB_WRITE, &db, &e);
        if (!rc)
            rc = sanctagp_import(db, path, &o, files, nfiles, &report, &e);
        if (db && sqlite3_close(db) != SQLITE_OK && !rc)
            rc = sanctagp_error_set(&e, SANCTAG_E_DB, path, 0, 0, -1,
                                    "%s: cannot close database", path);
    }
    if (rc) {
        cli_error(&e);
        if (created) {
            cli_warn("%s: not created", path);
        } else {
            cli_warn("%s: unchanged", path);
        }
        json_decref(report);
        return EXIT_FATAL;
    }

    if (json_is_true(json_object_get(report, "refused"))) {
        if (as_json) {
            json_dumpf(report, stdout, JSON_COMPACT);
            putchar('\n');
        }
        cli_clean ce;
        print_policy(cli_clean_open(&ce, stderr), json_object_get(report, "policy"));
        cli_clean_close(&ce);
        json_t *c = json_object_get(json_object_get(report, "policy"), "collisions");
        cli_warn("%s: refused to import %s (--strict): %zu collisions with other entities; "
                 "nothing written",
                 path, str(report, "source"), count_of(c));
        json_decref(report);
        return EXIT_DOCS; /* 1: refused, nothing written */
    }
    print_report(report, path, as_json, quiet, o.dry_run);
    json_decref(report);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_warn("write error: %s", strerror(errno));
        return EXIT_FATAL;
    }
    return EXIT_OK_;
}
