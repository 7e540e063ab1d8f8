/* main.c - the sanctag command: global options and the subcommand table. */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cli.h"

const char *cli_prog = "sanctag";

static const verb verbs[] = {
    {"tag", cmd_tag, "tag documents (plain text or JSON Lines) and write JSON spans"},
    {"gaz", cmd_gaz, "build, inspect and look up gazetteer databases"},
    {"eval", cmd_eval, "score tagging against hand-annotated gold spans"},
    {"discover", cmd_discover, "list names no gazetteer entity has, as a source to review"},
    {"cooccur", cmd_cooccur, "count which entities are mentioned together (CSV, SQLite, GEXF)"},
    {"show", cmd_show, "show documents with their mentions highlighted (terminal or HTML)"},
};

static void help(FILE *f)
{
    fprintf(f,
            "Usage: sanctag [--help] [--version] COMMAND [ARGS...]\n"
            "\n"
            "Tags news text with countries, international bodies, organisations, places and\n"
            "people from an SQLite gazetteer, and writes one JSON object per document.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
        fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(f,
            "\n"
            "Run 'sanctag COMMAND --help' for a command's options and examples.\n"
            "\n"
            "Examples:\n"
            "  sanctag tag article.txt                 tag a plain-text article\n"
            "  sanctag tag --jsonl feed.jsonl > out.jsonl\n"
            "  sanctag gaz lookup Korut                what does an alias resolve to?\n"
            "\n"
            "Exit status: 0 all documents tagged; 1 some documents had errors (each has an\n"
            "output line with an \"error\" object); 2 usage error; 3 fatal error (gazetteer\n"
            "missing or corrupt, unreadable input, output not written).\n"
            "\n"
            "Environment: SANCTAG_DB names the gazetteer used when --db is not given;\n"
            "NO_COLOR is honoured by commands that colour output.\n");
}

static int help_out(void)
{
    help(stdout);
    if (fclose(stdout) != 0) {
        fprintf(stderr, "sanctag: cannot write help: write error\n");
        return EXIT_FATAL;
    }
    return EXIT_OK_;
}

int main(int argc, char **argv)
{
    /* `sanctag tag ... | head -1` must end quietly even when started with
     * SIGPIPE ignored: die of the signal like any filter */
    signal(SIGPIPE, SIG_DFL);
    /* SQLite's allocation counters (sqlite3_memory_used(), soft heap
     * limits), which sanctag does not use, take a global mutex on every
     * allocation: a few percent of a large import. Before SQLite starts. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    char name0[] = "sanctag"; /* getopt's messages name argv[0]: not a path */
    argv[0] = name0;
    while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            return help_out();
        case 'V':
            printf("sanctag %s (gazetteer schema %d)\n", SANCTAG_VERSION, SANCTAG_SCHEMA_VERSION);
            return fclose(stdout) == 0 ? EXIT_OK_ : EXIT_FATAL;
        default:
            return cli_bad_option(NULL, argv, opts, "+hV");
        }
    }
    if (optind >= argc) {
        help(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[optind];
    for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++) {
        if (strcmp(verbs[i].name, name) == 0) {
            int sub_argc = argc - optind;
            char **sub_argv = argv + optind;
            /* getopt names argv[0] in its messages: "sanctag tag: unrecognized option" */
            char prog[64];
            snprintf(prog, sizeof prog, "sanctag %s", name);
            sub_argv[0] = prog;
            optind = 0; /* reset getopt for the subcommand (GNU: 0 reinitialises) */
            return verbs[i].fn(sub_argc, sub_argv);
        }
    }
    if (strcmp(name, "help") == 0)
        return help_out();
    const char *names[sizeof verbs / sizeof *verbs + 1];
    size_t n = 0;
    for (; n < sizeof verbs / sizeof *verbs; n++)
        names[n] = verbs[n].name;
    names[n++] = "help";
    const char *near = cli_nearest(name, names, n);
    cli_warn("unknown command '%s'%s%s%s", name, near ? "; did you mean '" : "", near ? near : "",
             near ? "'?" : "");
    fprintf(stderr, "Try 'sanctag --help'.\n");
    return EXIT_USAGE;
}
