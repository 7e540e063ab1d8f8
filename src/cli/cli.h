/* cli.h - shared helpers of the sanctag command. */
#ifndef SANCTAG_CLI_H
#define SANCTAG_CLI_H

#include <stdio.h>

#include "sanctag.h"

/* Exit statuses, documented in `sanctag --help` and README. */
enum {
    EXIT_OK_ = 0,      /* everything processed */
    EXIT_DOCS = 1,     /* ran to the end, but some documents or records had errors */
    EXIT_USAGE = 2,    /* bad command line */
    EXIT_FATAL = 3,    /* could not run: gazetteer missing/corrupt, unreadable input, write error */
    EXIT_INTERRUPTED = 130, /* SIGINT/SIGTERM: stopped cleanly */
};

typedef struct verb {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} verb;

int cmd_tag(int argc, char **argv);
int cmd_gaz(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_discover(int argc, char **argv);
int cmd_cooccur(int argc, char **argv);
int cmd_show(int argc, char **argv);
/* `sanctag gaz stats` (cmd_gaz_stats.c); argv[0] names the subcommand. */
int gaz_stats(int argc, char **argv);

extern const char *cli_prog;

/* Prints "sanctag: MESSAGE" to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints an error description from the library. */
void cli_error(const sanctag_error *e);
/* Usage error: prints message and hint, returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "--names on|off" of command `cmd`: sets or clears SANCTAG_TAG_NAMES in
 * *flags; returns 0, or EXIT_USAGE after saying why. */
int cli_names_option(const char *cmd, const char *arg, unsigned *flags);

/* Help text of --names, shared by the commands that tag. */
#define CLI_NAMES_HELP                                                                          \
    "  --names on|off       also find people and organisations no gazetteer entity has\n"      \
    "                       (default: on): after titles, roles and speech verbs, with\n"        \
    "                       organisation heads and tails (\"PT\", \"Universitas\", \"FC\"),\n"\
    "                       and their short forms; such a span has a derived \"entity\"\n"      \
    "                       key (\"name:person:...\"), \"found\" and \"score\"\n"

/* Finds the gazetteer: `explicit_path`, then $SANCTAG_DB, then the default
 * database beside the executable (build tree) or in the install data dir.
 * Returns a static/owned path or NULL after printing where it looked. */
const char *cli_find_db(const char *explicit_path);

/* Output file handling: "-o FILE" is written to a temporary file in the same
 * directory and renamed into place only when everything was written (through
 * a symbolic link, the file it names). A FILE that exists and is no regular
 * file (/dev/null, /dev/stdout, a FIFO) is written directly. */
typedef struct cli_out {
    FILE *f;
    char *path, *tmp;
} cli_out;
int cli_out_open(cli_out *o, const char *path);
/* Closes; renames into place when ok. Returns 0 or -1 after printing why. */
int cli_out_close(cli_out *o, int ok);

#endif
