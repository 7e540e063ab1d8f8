/* util.c - helpers shared by the subcommands: messages, gazetteer discovery,
 * atomic output files. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "util/buf.h"
#include "util/term.h"

/* A message to stderr: file names, ids and parser excerpts in it are data,
 * so it is cleaned for the terminal as every report is (cli_clean). */
static void vwarn(const char *fmt, va_list ap)
{
    char small[1024], *msg = small;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= (int)sizeof small && (msg = malloc((size_t)n + 1)) != NULL)
        vsnprintf(msg, (size_t)n + 1, fmt, again);
    va_end(again);
    if (!msg) {
        msg = small; /* out of memory: the message cut short */
        n = (int)sizeof small - 1;
    }
    sanctagp_buf b = {0};
    if (n > 0 && sanctagp_term_clean(&b, msg, (size_t)n, 0) == 0)
        fwrite(b.p, 1, b.len, stderr);
    sanctagp_buf_release(&b);
    if (msg != small)
        free(msg);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", cli_prog);
    va_start(ap, fmt);
    vwarn(fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_error(const sanctag_error *e)
{
    cli_warn("%s", e->text[0] ? e->text : sanctag_status_name(e->code));
}

int cli_parse_progress(const char *cmd, const char *arg, int *mode)
{
    if (strcmp(arg, "auto") == 0)
        *mode = -1;
    else if (strcmp(arg, "always") == 0 || strcmp(arg, "never") == 0)
        *mode = arg[0] == 'a';
    else
        return cli_usage(cmd, "--progress must be auto, always or never, not '%s'", arg);
    return EXIT_OK_;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s %s: ", cli_prog, cmd);
    va_start(ap, fmt);
    vwarn(fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s %s --help'.\n", cli_prog, cmd);
    return EXIT_USAGE;
}

/* Optimal string alignment distance (adjacent transpositions count one),
 * capped at 99; the words are short option and command names. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 62 || m > 62)
        return 99;
    size_t d[64][64];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

const char *cli_nearest(const char *word, const char *const *cands, size_t n)
{
    size_t len = strlen(word), limit = len < 5 ? 1 : len < 9 ? 2 : len / 3;
    const char *best = NULL;
    size_t bd = limit + 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, cands[i]);
        if (d < bd) {
            bd = d;
            best = cands[i];
        }
    }
    return best;
}

int cli_bad_option(const char *cmd, char **argv, const struct option *opts,
                   const char *shortopts)
{
    const char *names[128];
    size_t n = 0;
    for (; opts[n].name && n < 128; n++)
        names[n] = opts[n].name;
    const char *bad = optind > 0 ? argv[optind - 1] : NULL;
    const char *hint = NULL;
    char word[64] = "";
    if (bad && strncmp(bad, "--", 2) == 0 && optopt == 0) {
        snprintf(word, sizeof word, "%.*s", (int)strcspn(bad + 2, "="), bad + 2);
        size_t prefixed = 0;
        for (size_t i = 0; i < n; i++)
            prefixed += strncmp(names[i], word, strlen(word)) == 0;
        if (prefixed < 2) /* else getopt listed the possibilities of a prefix */
            hint = cli_nearest(word, names, n);
    } else if (optopt > 0 && optopt < 128 && !strchr(shortopts, optopt)) {
        for (size_t i = 0; i < n; i++) {
            if (names[i][0] != optopt)
                continue;
            if (hint) { /* more than one: no guess */
                hint = NULL;
                break;
            }
            hint = names[i];
        }
    }
    if (hint)
        fprintf(stderr, "Did you mean '--%s'?\n", hint);
    fprintf(stderr, "Try '%s%s%s --help'.\n", cli_prog, cmd ? " " : "", cmd ? cmd : "");
    return EXIT_USAGE;
}


int cli_parse_size(const char *s, uint64_t *ret)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || v == 0)
        return -1;
    static const char units[] = "KMGT";
    int shift = 0;
    if (*end) {
        const char *u = strchr(units, *end >= 'a' ? *end - 32 : *end);
        if (!u)
            return -1;
        shift = 10 * (int)(u - units + 1);
        end++;
        if (*end == 'i')
            end++;
        if (*end == 'B' || *end == 'b')
            end++;
        if (*end)
            return -1;
    }
    if (shift && v > (UINT64_MAX >> shift))
        return -1;
    *ret = (uint64_t)v << shift;
    return 0;
}

FILE *cli_clean_open(cli_clean *c, FILE *to)
{
    memset(c, 0, sizeof *c);
    c->to = to;
    c->f = open_memstream(&c->p, &c->n);
    if (!c->f)
        c->f = fopen("/dev/null", "w");
    return c->f;
}

FILE *cli_clean_open_json(cli_clean *c, FILE *to)
{
    FILE *f = cli_clean_open(c, to);
    c->json = 1;
    return f;
}

int cli_clean_close(cli_clean *c)
{
    int rc = 0;
    if (c->f && fclose(c->f) == 0 && c->p) {
        sanctagp_buf b = {0};
        if ((c->json ? sanctagp_term_clean_json(&b, c->p, c->n)
                     : sanctagp_term_clean(&b, c->p, c->n, SANCTAGP_TERM_KEEP_BREAKS)) == 0)
            fwrite(b.p, 1, b.len, c->to);
        else
            rc = -1;
        sanctagp_buf_release(&b);
    } else {
        rc = -1;
    }
    if (rc)
        cli_warn("out of memory: a report was not printed");
    free(c->p);
    memset(c, 0, sizeof *c);
    return rc;
}

static int is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

const char *cli_find_db(const char *explicit_path)
{
    static char buf[PATH_MAX + 64];
    if (explicit_path)
        return explicit_path;
    const char *env = getenv("SANCTAG_DB");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char tried[3][PATH_MAX + 64];
    int nt = 0;
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            /* build tree: the default gazetteer is compiled beside the binary */
            snprintf(buf, sizeof buf, "%s/gazetteers/default.db", exe);
            if (is_file(buf))
                return buf;
            snprintf(tried[nt++], sizeof tried[0], "%s", buf);
            /* installed: PREFIX/bin/sanctag -> PREFIX/share/sanctag/default.db */
            snprintf(buf, sizeof buf, "%s/../share/sanctag/default.db", exe);
            if (is_file(buf))
                return buf;
            snprintf(tried[nt++], sizeof tried[0], "%s", buf);
        }
    }
    snprintf(buf, sizeof buf, "%s/default.db", SANCTAG_DATADIR);
    if (is_file(buf))
        return buf;
    snprintf(tried[nt++], sizeof tried[0], "%s", buf);
    cli_warn("no gazetteer found: pass --db PATH or set SANCTAG_DB. Looked in:");
    for (int i = 0; i < nt; i++)
        fprintf(stderr, "  %s\n", tried[i]);
    return NULL;
}

int cli_open_gazetteer(const char *explicit_path, unsigned flags, sanctag_gazetteer **ret)
{
    const char *path = cli_find_db(explicit_path);
    if (!path)
        return -1;
    sanctag_error e;
    memset(&e, 0, sizeof e);
    if (sanctag_gazetteer_open(path, flags, ret, &e)) {
        cli_error(&e);
        return -1;
    }
    return 0;
}

int cli_tmp_make(char *buf, size_t cap, const char *prefix)
{
    char *name = NULL;
    if (asprintf(&name, "%s.%ld.XXXXXX", prefix, (long)getpid()) < 0)
        return -1;
    if (strlen(name) >= cap) {
        free(name);
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkstemp(name);
    if (fd >= 0) {
        /* mkstemp creates 0600; give the file the mode a plain open would */
        mode_t um = umask(0);
        umask(um);
        if (fchmod(fd, 0666 & ~um) != 0) {
            int saved = errno;
            close(fd);
            unlink(name);
            errno = saved;
            fd = -1;
        }
    }
    if (fd >= 0)
        memcpy(buf, name, strlen(name) + 1);
    free(name);
    return fd;
}

/* 1 when `name` is BASE.PID.XXXXXX (BASE `blen` bytes) of a process that is
 * gone. */
static int stale_name(const char *name, const char *base, size_t blen)
{
    if (strncmp(name, base, blen) != 0 || name[blen] != '.')
        return 0;
    char *end;
    errno = 0;
    long pid = strtol(name + blen + 1, &end, 10);
    if (errno || pid <= 0 || end == name + blen + 1 || *end != '.' || strlen(end + 1) != 6)
        return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

void cli_tmp_clean_stale(const char *prefix)
{
    const char *slash = strrchr(prefix, '/');
    char *dir = slash ? strndup(prefix, (size_t)(slash - prefix) + 1) : strdup(".");
    const char *base = slash ? slash + 1 : prefix;
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *de;
    size_t blen = strlen(base);
    while (d && (de = readdir(d)) != NULL) {
        if (!stale_name(de->d_name, base, blen))
            continue;
        struct stat sb;
        char *p = NULL;
        if (asprintf(&p, "%s/%s", dir, de->d_name) >= 0 && lstat(p, &sb) == 0 &&
            S_ISREG(sb.st_mode))
            unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
    free(dir);
}

int cli_out_open(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        /* /dev/null, /dev/stdout, a FIFO: nothing to replace atomically, and
         * renaming a file over a device node would destroy it */
        if (S_ISDIR(sb.st_mode)) {
            cli_warn("%s: is a directory", path);
            return -1;
        }
        if (!(o->f = fopen(path, "w"))) {
            cli_warn("%s: cannot open: %s", path, strerror(errno));
            return -1;
        }
        o->path = strdup(path); /* for messages; no o->tmp: nothing is renamed */
        return 0;
    }
    /* a symbolic link stays one: the file it names is replaced */
    char *real = realpath(path, NULL);
    const char *target = real ? real : path;
    size_t n = strlen(target) + 40;
    o->path = strdup(target);
    free(real);
    o->tmp = malloc(n);
    if (!o->path || !o->tmp) {
        cli_warn("out of memory");
        goto fail;
    }
    snprintf(o->tmp, n, "%s.tmp", o->path);
    cli_tmp_clean_stale(o->tmp); /* left by a run that was killed */
    int fd = cli_tmp_make(o->tmp, n, o->tmp);
    if (fd < 0) {
        cli_warn("%s: cannot create: %s", path, strerror(errno));
        goto fail;
    }
    if (!(o->f = fdopen(fd, "w"))) {
        cli_warn("%s: %s", path, strerror(errno));
        close(fd);
        unlink(o->tmp);
        goto fail;
    }
    return 0;
fail:
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    return -1;
}

int cli_out_close(cli_out *o, int ok)
{
    int rc = 0;
    if (!o->f)
        return ok ? 0 : -1;
    int werr = ferror(o->f);
    int cerr = fclose(o->f) != 0;
    int saved = errno;
    o->f = NULL;
    if (werr || cerr) {
        cli_warn("%s: write error: %s", o->path ? o->path : "standard output",
                 strerror(saved ? saved : EIO));
        rc = -1;
    }
    if (o->tmp) {
        if (rc == 0 && ok) {
            if (rename(o->tmp, o->path) != 0) {
                cli_warn("%s: cannot rename into place: %s", o->path, strerror(errno));
                unlink(o->tmp);
                rc = -1;
            }
        } else {
            unlink(o->tmp);
            if (rc == 0)
                rc = -1;
        }
    }
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    return rc;
}

int cli_names_option(const char *cmd, const char *arg, unsigned *flags)
{
    unsigned both = SANCTAG_TAG_NAMES | SANCTAG_TAG_NAMES_MODEL;
    if (strcmp(arg, "on") == 0)
        *flags = (*flags & ~both) | SANCTAG_TAG_NAMES;
    else if (strcmp(arg, "model") == 0)
        *flags |= both;
    else if (strcmp(arg, "off") == 0)
        *flags &= ~both;
    else
        return cli_usage(cmd, "--names must be on, model or off, not '%s'", arg);
    return 0;
}
