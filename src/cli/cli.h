/* cli.h - shared helpers of the sanctag command. */
#ifndef SANCTAG_CLI_H
#define SANCTAG_CLI_H

#include <stdint.h>
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
/* `sanctag gaz link` / `gaz unlink` (cmd_gaz_link.c); argv[0] names it. */
int gaz_link(int argc, char **argv, int unlink);

extern const char *cli_prog;

/* Prints "sanctag: MESSAGE" to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints an error description from the library. */
void cli_error(const sanctag_error *e);
/* Usage error: prints message and hint, returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --progress auto|always|never into *mode (-1, 1, 0); else the usage error of
 * `cmd` (EXIT_USAGE). */
int cli_parse_progress(const char *cmd, const char *arg, int *mode);

struct option;
/* The `default:` of a command's getopt_long loop (getopt has printed what was
 * wrong): adds "did you mean '--jsonl'?" for a mistyped long option (the
 * nearest of `opts` by edit distance) or for an unknown short option that
 * is the first letter of exactly one long option, then "Try 'sanctag CMD
 * --help'." (CMD NULL: the top level). Returns EXIT_USAGE. */
int cli_bad_option(const char *cmd, char **argv, const struct option *opts,
                   const char *shortopts);
/* The candidate nearest to `word` by edit distance when it is near enough to
 * be a typing slip (at most 1 edit for short words, 2 from 5 letters, a third
 * of the length beyond), else NULL. */
const char *cli_nearest(const char *word, const char *const *cands, size_t n);

/* Parses a size such as 64M: a whole number with an optional K, M, G or T
 * suffix (powers of 1024; "KiB", "MB" and lower case are accepted too).
 * Returns 0 with *ret set, or -1 (zero, junk or overflow). */
int cli_parse_size(const char *s, uint64_t *ret);

/* Text from data (names, ids, document text) on its way to a terminal goes
 * through a cleaning stream: cli_clean_open() gives a FILE to print a report
 * to, cli_clean_close() writes it to `to` with every control and bidi
 * character but tab and LF as U+FFFD (util/term.h), so an ESC or OSC sequence
 * in a list name can neither retitle nor clear the analyst's terminal, and
 * U+202E cannot reorder what follows. Our own text is ASCII and passes as it
 * is; without memory the report is dropped with a warning, never printed
 * unchecked. */
typedef struct cli_clean {
    FILE *f, *to;
    char *p;
    size_t n;
    int json;
} cli_clean;
FILE *cli_clean_open(cli_clean *c, FILE *to);
/* The same for JSON text: the characters written as \uXXXX escapes instead
 * (sanctagp_term_clean_json), so the JSON stays valid and means the same. */
FILE *cli_clean_open_json(cli_clean *c, FILE *to);
/* Writes what was printed to c->f, cleaned; 0, or -1 (out of memory). */
int cli_clean_close(cli_clean *c);

/* "--names on|model|off" of command `cmd`: sets SANCTAG_TAG_NAMES (on), it
 * and SANCTAG_TAG_NAMES_MODEL (model) or neither (off) in *flags; returns 0,
 * or EXIT_USAGE after saying why. */
int cli_names_option(const char *cmd, const char *arg, unsigned *flags);

/* Help text of --names, shared by the commands that tag. */
#define CLI_NAMES_HELP                                                                          \
    "  --names on|model|off also find people and organisations no gazetteer entity has\n"      \
    "                       (default: on): after titles, roles and speech verbs, with\n"        \
    "                       organisation heads and tails (\"PT\", \"Universitas\", \"FC\"),\n"\
    "                       and their short forms; such a span has a derived \"entity\"\n"      \
    "                       key (\"name:person:...\"), \"found\" and \"score\". model: also\n" \
    "                       the gazetteer's statistical name model, names it scores\n"          \
    "                       >= 0.96 (\"found\": \"model\"; about twice the CPU of on)\n"

/* Finds the gazetteer: `explicit_path`, then $SANCTAG_DB, then the default
 * database beside the executable (build tree) or in the install data dir.
 * Returns a static/owned path or NULL after printing where it looked. */
const char *cli_find_db(const char *explicit_path);

/* Finds (cli_find_db) and opens the gazetteer with `flags`; 0, or -1 after
 * printing why (no gazetteer found, or the open's error). */
int cli_open_gazetteer(const char *explicit_path, unsigned flags, sanctag_gazetteer **ret);

/* Temporary files of a run are named PREFIX.PID.XXXXXX (PREFIX includes the
 * directory), so that a later run can tell those of a killed run. Makes one
 * with mkstemp (O_EXCL: never through a symbolic link) and the mode a plain
 * open would give; its name into buf (cap bytes). Returns the fd, or -1
 * (errno). */
int cli_tmp_make(char *buf, size_t cap, const char *prefix);
/* Removes the regular files PREFIX.PID.XXXXXX whose process is gone: what a
 * killed run (SIGKILL, power loss) left behind. */
void cli_tmp_clean_stale(const char *prefix);

/* Output file handling: "-o FILE" is written to a temporary file in the same
 * directory and renamed into place only when everything was written (through
 * a symbolic link, the file it names). A FILE that exists and is no regular
 * file (/dev/null, /dev/stdout, a FIFO) is written directly. The temporary
 * file is FILE.tmp.PID.XXXXXX; those of killed runs are removed on open. */
typedef struct cli_out {
    FILE *f;
    char *path, *tmp;
} cli_out;
int cli_out_open(cli_out *o, const char *path);
/* Closes; renames into place when ok. Returns 0 or -1 after printing why. */
int cli_out_close(cli_out *o, int ok);

#endif
