/* cmd_gaz_link.c - `sanctag gaz link` / `sanctag gaz unlink`: the analyst
 * says that a curated entity and a sanctions-list record are the same body or
 * person (or not), so that tagging and co-occurrence see one entity. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gazetteer/gazetteer.h"
#include "gazetteer/links.h"
#include "cli.h"

static void help(FILE *f)
{
    fprintf(f, "Usage: sanctag gaz link [--note TEXT] DB CURATED_KEY RECORD\n"
               "       sanctag gaz unlink DB CURATED_KEY RECORD\n"
               "\n"
               "link    says that the curated entity CURATED_KEY (one of the gazetteer's own\n"
               "        sources, e.g. org:rgb) and the list record RECORD are the same body\n"
               "        or person. Tagging then sees one entity: spans keep \"entity\":\n"
               "        CURATED_KEY, and their \"sanctions\" carry every list record linked to\n"
               "        it (\"records\": source, ref, programs, listed_on, entity); the list's\n"
               "        own aliases name the curated entity too. RECORD is the key of a list\n"
               "        entity (ofac:20157, un:KPe.031) or SOURCE:REF (ofac-sdn:20157,\n"
               "        un-sc:KPe.031); the list must be imported. Links name records by\n"
               "        list and reference, so importing a newer list keeps them.\n"
               "unlink  undoes a link (from gazetteers/links.tsv, an import's proposal or\n"
               "        'gaz link'): the record is its own entity again, and later imports\n"
               "        do not propose the link again ('gaz link' restores it).\n"
               "\n"
               "Both write DB in one transaction and compile its matcher again. 'sanctag gaz\n"
               "lookup KEY' shows an entity's links. Exit status: 0 done, 2 usage error, 3\n"
               "nothing written (no such entity, record or link; database error).\n"
               "\n"
               "Examples:\n"
               "  sanctag gaz link --note 'same ministry' my.db org:mss-kp ofac:20129\n"
               "  sanctag gaz unlink my.db person:kim-yong-chol un-sc:KPi.024\n");
}

/* `gaz link` and `gaz unlink`; argv[0] names the subcommand. */
int gaz_link(int argc, char **argv, int unlink)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "note", required_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    const char *note = NULL;
    int ch;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'h':
            help(stdout);
            return EXIT_OK_;
        case 'n':
            if (unlink)
                return cli_usage("gaz unlink", "--note is for 'gaz link'");
            note = optarg;
            break;
        default:
            fprintf(stderr, "Try 'sanctag gaz %s --help'.\n", unlink ? "unlink" : "link");
            return EXIT_USAGE;
        }
    }
    const char *cmd = unlink ? "gaz unlink" : "gaz link";
    if (argc - optind != 3)
        return cli_usage(cmd, "needs DB, CURATED_KEY and RECORD (%d given)", argc - optind);
    const char *path = argv[optind], *curated = argv[optind + 1], *record = argv[optind + 2];
    sanctag_error e;
    memset(&e, 0, sizeof e);
    sqlite3 *db = NULL;
    json_t *r = NULL;
    int rc = sanctagp_db_open(path, DB_WRITE, &db, &e);
    if (!rc)
        rc = sanctagp_link_edit(db, path, curated, record, note, unlink, &r, &e);
    sqlite3_close(db);
    if (rc) {
        cli_error(&e);
        return EXIT_FATAL;
    }
    const char *ent = json_string_value(json_object_get(r, "entity"));
    printf("%s %s %s %s:%s", unlink ? "unlinked" : "linked", curated, unlink ? "-/-" : "<-",
           json_string_value(json_object_get(r, "source")),
           json_string_value(json_object_get(r, "ref")));
    if (*ent)
        printf(" (%s \"%s\")", ent, json_string_value(json_object_get(r, "name")));
    putchar('\n');
    json_decref(r);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_warn("write error: %s", strerror(errno));
        return EXIT_FATAL;
    }
    return EXIT_OK_;
}
