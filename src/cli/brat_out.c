/* brat_out.c - `tag --format brat -o DIR` files, staged by workers and named
 * by the writer in input order (brat_out.h). */
#include "brat_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Temporary files in DIR: DIR/.sanctag-brat.PID.XXXXXX */
static void tmp_prefix(char *buf, size_t cap, const char *dir)
{
    snprintf(buf, cap, "%s/.sanctag-brat", dir);
}

int brat_dir_setup(const char *dir)
{
    struct stat sb;
    if (stat(dir, &sb) != 0 && mkdir(dir, 0777) != 0) {
        cli_warn("%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        cli_warn("%s: not a directory", dir);
        return -1;
    }
    char prefix[4200];
    tmp_prefix(prefix, sizeof prefix, dir);
    cli_tmp_clean_stale(prefix);
    return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* One temporary file holding `n` bytes of `p`: its path into `path`. */
static int stage_one(const char *dir, char *path, size_t cap, const char *p, size_t n)
{
    char prefix[4200];
    tmp_prefix(prefix, sizeof prefix, dir);
    int fd = cli_tmp_make(path, cap, prefix);
    if (fd < 0)
        return -1;
    int err = write_all(fd, p, n);
    int saved = errno;
    if (close(fd) != 0 && !err) {
        err = -1;
        saved = errno;
    }
    if (err) {
        unlink(path);
        path[0] = 0;
        errno = saved;
    }
    return err;
}

brat_doc *brat_stage(const char *dir, const char *stem, unsigned long seq, const char *text,
                     size_t len, const char *ann, size_t annlen, char *err, size_t cap)
{
    brat_doc *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    snprintf(d->stem, sizeof d->stem, "%s", stem);
    d->seq = seq;
    if (stage_one(dir, d->txt, sizeof d->txt, text, len) ||
        stage_one(dir, d->ann, sizeof d->ann, ann ? ann : "", annlen)) {
        snprintf(err, cap, "%s: cannot write: %s", dir, strerror(errno));
        brat_doc_free(d);
        return NULL;
    }
    return d;
}

/* Renames the staged files to DIR/NAME.txt and DIR/NAME.ann. rename(2)
 * replaces a symbolic link there rather than following it. 0, or -1 (errno)
 * with neither file placed. */
static int place(const char *dir, brat_doc *d, const char *name)
{
    char txt[4400], ann[4400];
    snprintf(txt, sizeof txt, "%s/%s.txt", dir, name);
    snprintf(ann, sizeof ann, "%s/%s.ann", dir, name);
    if (rename(d->txt, txt) != 0)
        return -1;
    if (rename(d->ann, ann) != 0) {
        int saved = errno;
        rename(txt, d->txt); /* back: the name is tried no further */
        errno = saved;
        return -1;
    }
    d->txt[0] = d->ann[0] = 0;
    return 0;
}

int brat_commit(json_t *taken, const char *dir, brat_doc *d, char *err, size_t cap)
{
    char name[200];
    int last = 0;
    /* the stem, then STEM-N, STEM-N-2, ...: the first free in this run whose
     * files can be placed (a directory of that name cannot be replaced) */
    for (unsigned long k = 0; k < 1000; k++) {
        if (k == 0)
            snprintf(name, sizeof name, "%s", d->stem);
        else if (k == 1)
            snprintf(name, sizeof name, "%s-%lu", d->stem, d->seq);
        else
            snprintf(name, sizeof name, "%s-%lu-%lu", d->stem, d->seq, k);
        if (json_object_get(taken, name))
            continue;
        if (json_object_set_new(taken, name, json_true()) != 0) {
            snprintf(err, cap, "out of memory");
            return -1;
        }
        if (place(dir, d, name) == 0)
            return 0;
        last = errno;
        if (last != EISDIR && last != ENOTEMPTY && last != EEXIST && last != ENOTDIR)
            break;
    }
    snprintf(err, cap, "%s/%s.txt: cannot write: %s", dir, name, strerror(last));
    return -1;
}

void brat_doc_free(brat_doc *d)
{
    if (!d)
        return;
    if (d->txt[0])
        unlink(d->txt);
    if (d->ann[0])
        unlink(d->ann);
    free(d);
}
