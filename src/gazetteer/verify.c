/* verify.c - is the stored matcher compiled from the rows beside it? Its
 * image header carries the content checksum (the version, version.c) of the
 * rows it was compiled from; a foreign image with that string patched in
 * would otherwise be trusted. Checking means reading and hashing every row
 * (70 ms of CPU for the default gazetteer, five times a start-up), so a file
 * found good is remembered by its identity and change times in a small cache
 * ($XDG_CACHE_HOME/sanctag/verified, else ~/.cache/sanctag/verified): a
 * later open of the very same unchanged file skips the hashing. Any write to
 * the file changes its ctime, which no user can set back; a change within
 * the clock tick of the check is caught by recording only files whose ctime
 * is over two seconds old (git's "racy" rule). */
#include "gazetteer/rows.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { CACHE_LINES = 64, LINE_MAX_ = 160 };

/* The cache file's path into buf; 0, or -1 when there is no place for it. */
static int cache_path(char *buf, size_t n, int make_dir)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int len;
    if (xdg && *xdg == '/')
        len = snprintf(buf, n, "%s/sanctag", xdg);
    else if (home && *home == '/')
        len = snprintf(buf, n, "%s/.cache/sanctag", home);
    else
        return -1;
    if (len < 0 || (size_t)len + 10 > n)
        return -1;
    if (make_dir) {
        char *slash = strrchr(buf, '/');
        *slash = '\0';
        (void)mkdir(buf, 0700); /* ~/.cache may not exist yet */
        *slash = '/';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return -1;
    }
    strcat(buf, "/verified");
    return 0;
}

/* One cache line: what identifies this state of the file, and its checksum. */
static void stat_line(char *buf, size_t n, const struct stat *sb, const char *version)
{
    snprintf(buf, n, "%ju %ju %jd %jd.%09ld %jd.%09ld %s\n", (uintmax_t)sb->st_dev,
             (uintmax_t)sb->st_ino, (intmax_t)sb->st_size, (intmax_t)sb->st_mtim.tv_sec,
             sb->st_mtim.tv_nsec, (intmax_t)sb->st_ctim.tv_sec, sb->st_ctim.tv_nsec, version);
}

int sanctagp_verified_same(const char *path, const struct stat *sb)
{
    struct stat now;
    return stat(path, &now) == 0 && now.st_dev == sb->st_dev && now.st_ino == sb->st_ino &&
           now.st_size == sb->st_size && now.st_mtim.tv_sec == sb->st_mtim.tv_sec &&
           now.st_mtim.tv_nsec == sb->st_mtim.tv_nsec && now.st_ctim.tv_sec == sb->st_ctim.tv_sec &&
           now.st_ctim.tv_nsec == sb->st_ctim.tv_nsec;
}

int sanctagp_verified_known(const struct stat *sb, const char *version)
{
    char path[4096], want[LINE_MAX_], line[LINE_MAX_];
    if (cache_path(path, sizeof path, 0))
        return 0;
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    stat_line(want, sizeof want, sb, version);
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        found = strcmp(line, want) == 0;
    fclose(f);
    return found;
}

void sanctagp_verified_note(const struct stat *sb, const char *version)
{
    if (time(NULL) - sb->st_ctim.tv_sec < 2)
        return; /* racy: a change in the same clock tick would look the same */
    char path[4096], tmp[4096 + 16], add[LINE_MAX_];
    char(*lines)[LINE_MAX_] = malloc(CACHE_LINES * sizeof *lines);
    if (!lines || cache_path(path, sizeof path, 1)) {
        free(lines);
        return;
    }
    stat_line(add, sizeof add, sb, version);
    /* the newest lines, this one last; the oldest fall off */
    size_t n = 0;
    FILE *f = fopen(path, "re");
    while (f && n < CACHE_LINES && fgets(lines[n], LINE_MAX_, f))
        if (strcmp(lines[n], add) != 0 && strchr(lines[n], '\n'))
            n++;
    if (f)
        fclose(f);
    size_t from = n == CACHE_LINES ? 1 : 0;
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(lines);
        return;
    }
    for (size_t i = from; i < n; i++)
        fputs(lines[i], out);
    fputs(add, out);
    if (fclose(out) != 0 || rename(tmp, path) != 0)
        unlink(tmp);
    free(lines);
}

int sanctagp_db_checksum(sqlite3 *db, const char *path, sanctagp_rows *g, char hex[17],
                         sanctag_error *err)
{
    int rc = sanctagp_rows_read(db, path, 1, g, err);
    if (rc)
        return rc;
    uint64_t v = 0;
    if ((rc = sanctagp_rows_version(g, &v))) {
        sanctagp_rows_free(g);
        return sanctagp_error_set(err, rc, path, 0, 0, -1, "out of memory");
    }
    snprintf(hex, 17, "%016" PRIx64, v);
    return 0;
}
