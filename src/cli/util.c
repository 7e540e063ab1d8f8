/* util.c - helpers shared by the subcommands: messages, gazetteer discovery,
 * atomic output files. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", cli_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_error(const sanctag_error *e)
{
    cli_warn("%s", e->text[0] ? e->text : sanctag_status_name(e->code));
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s %s: ", cli_prog, cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s %s --help'.\n", cli_prog, cmd);
    return EXIT_USAGE;
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
    size_t n = strlen(target) + 16;
    o->path = strdup(target);
    free(real);
    o->tmp = malloc(n);
    if (!o->path || !o->tmp) {
        cli_warn("out of memory");
        goto fail;
    }
    snprintf(o->tmp, n, "%s.tmpXXXXXX", o->path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        cli_warn("%s: cannot create: %s", path, strerror(errno));
        goto fail;
    }
    /* mkstemp creates 0600; give the file the mode a plain open would */
    mode_t um = umask(0);
    umask(um);
    if (fchmod(fd, 0666 & ~um) != 0 || !(o->f = fdopen(fd, "w"))) {
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
    if (strcmp(arg, "on") == 0)
        *flags |= SANCTAG_TAG_NAMES;
    else if (strcmp(arg, "off") == 0)
        *flags &= ~(unsigned)SANCTAG_TAG_NAMES;
    else
        return cli_usage(cmd, "--names must be on or off, not '%s'", arg);
    return 0;
}
