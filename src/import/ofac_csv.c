/* ofac_csv.c - the OFAC SDN legacy CSV files (sdn.csv, alt.csv, add.csv). */
#include "import/import_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/names.h"
#include "gazetteer/countries.h"
#include "gazetteer/sources.h"

/* ---- OFAC SDN legacy CSV ---------------------------------------------------------- */

/* CSV reader: RFC 4180 quoting, CRLF or LF, "-0-" (OFAC's empty) read as "",
 * blank lines and the trailing DOS end-of-file byte 0x1A skipped. */
typedef struct csv {
    const char *path;
    const char *p, *end;
    long line;     /* line of the next byte */
    long rec_line; /* line where the last record started */
    long recno;    /* 1-based number of the last record */
    char **f;      /* fields of the last record (owned) */
    int nf, cap;
} csv;

static void csv_clear(csv *c)
{
    for (int i = 0; i < c->nf; i++)
        free(c->f[i]);
    c->nf = 0;
}

static int csv_push(csv *c, char *field)
{
    if (!field)
        return SANCTAG_E_NOMEM;
    if (c->nf == c->cap) {
        int nc = c->cap ? c->cap * 2 : 16;
        char **nf = realloc(c->f, (size_t)nc * sizeof *nf);
        if (!nf) {
            free(field);
            return SANCTAG_E_NOMEM;
        }
        c->f = nf;
        c->cap = nc;
    }
    /* trim; OFAC writes "-0- " for an empty field */
    size_t n = strlen(field), s = 0;
    while (n && (field[n - 1] == ' ' || field[n - 1] == '\t'))
        field[--n] = 0;
    while (field[s] == ' ' || field[s] == '\t')
        s++;
    if (s)
        memmove(field, field + s, n - s + 1);
    if (strcmp(field, "-0-") == 0)
        field[0] = 0;
    c->f[c->nf++] = field;
    return 0;
}

/* Reads the next record: 1, 0 at the end, or a negative code (err set). */
static int csv_next(csv *c, sanctag_error *err)
{
    csv_clear(c);
    for (;;) {
        const char *q = c->p;
        while (q < c->end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == 0x1a))
            q++;
        if (q >= c->end) {
            c->p = q;
            return 0;
        }
        if (*q != '\n')
            break;
        c->p = q + 1;
        c->line++;
    }
    c->rec_line = c->line;
    c->recno++;
    sbuf b = {0};
    for (;;) {
        if (c->p < c->end && *c->p == '"') {
            c->p++;
            for (;;) {
                if (c->p >= c->end) {
                    free(sanctagp_sb_take(&b));
                    return sanctagp_error_set(err, SANCTAG_E_FORMAT, c->path, c->rec_line, 0, -1,
                                              "%s:%ld: record %ld: quoted field never closed",
                                              c->path, c->rec_line, c->recno);
                }
                if (*c->p == '"') {
                    if (c->p + 1 < c->end && c->p[1] == '"') {
                        sanctagp_sb_putn(&b, "\"", 1);
                        c->p += 2;
                        continue;
                    }
                    c->p++;
                    break;
                }
                if (*c->p == '\n')
                    c->line++;
                sanctagp_sb_putn(&b, c->p, 1);
                c->p++;
            }
            while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
                c->p++;
            if (c->p < c->end && *c->p != ',' && *c->p != '\r' && *c->p != '\n') {
                free(sanctagp_sb_take(&b));
                return sanctagp_error_set(err, SANCTAG_E_FORMAT, c->path, c->line, 0, -1,
                                          "%s:%ld: record %ld: '%c' after a closing quote "
                                          "(expected ',' or the end of the line)",
                                          c->path, c->line, c->recno, *c->p);
            }
        } else {
            const char *s = c->p;
            while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
                c->p++;
            sanctagp_sb_putn(&b, s, (size_t)(c->p - s));
        }
        int rc = csv_push(c, sanctagp_sb_take(&b));
        if (rc)
            return sanctagp_error_set(err, rc, c->path, c->rec_line, 0, -1, "out of memory");
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == '\r')
            c->p++;
        if (c->p < c->end && *c->p == '\n') {
            c->p++;
            c->line++;
        }
        return 1;
    }
}

/* Owned UTF-8 copy of a buffer that is UTF-8 already or else Windows-1252 /
 * Latin-1 (older OFAC files). NUL bytes are refused. */
static char *to_utf8(const char *path, char *buf, size_t len, size_t *ret_len,
                     sanctag_error *err)
{
    size_t pos;
    int rc = sanctagp_utf8_check(buf, len, &pos);
    if (rc == SANCTAG_E_NUL) {
        long line = sanctagp_src_line_of(buf, pos);
        sanctagp_error_set(err, rc, path, line, 0, (long long)pos, "%s:%ld: NUL byte", path,
                           line);
        return NULL;
    }
    if (rc == 0) {
        *ret_len = len;
        return buf;
    }
    static const uint16_t cp1252[32] = {
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    };
    char *out = malloc(len * 3 + 1);
    if (!out) {
        sanctagp_error_set(err, SANCTAG_E_NOMEM, path, 0, 0, -1, "out of memory");
        return NULL;
    }
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        uint32_t cp = c < 0x80 ? c : c < 0xA0 ? cp1252[c - 0x80] : c;
        if (cp < 0x80) {
            out[w++] = (char)cp;
        } else if (cp < 0x800) {
            out[w++] = (char)(0xC0 | cp >> 6);
            out[w++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[w++] = (char)(0xE0 | cp >> 12);
            out[w++] = (char)(0x80 | (cp >> 6 & 0x3F));
            out[w++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[w] = 0;
    free(buf);
    *ret_len = w;
    return out;
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

enum { OFAC_SDN = 0, OFAC_ALT = 1, OFAC_ADD = 2 };

typedef struct ofac_file {
    const char *path;
    char *buf;
    size_t len;
    int kind;
} ofac_file;

/* Weak AKAs: OFAC's legacy formats keep them only in the remarks, quoted:
 * "a.k.a. 'BNC'; f.k.a. 'ANA I'." (strong ones are in alt.csv). */
static int ofac_weak_akas(ientity *e, const char *remarks, const char *surname_split)
{
    static const char *const marks[] = {"a.k.a. '", "f.k.a. '", "n.k.a. '"};
    int rc = 0;
    for (int k = 0; k < 3 && !rc; k++) {
        for (const char *p = strstr(remarks, marks[k]); p && !rc; p = strstr(p, marks[k])) {
            const char *s = p + strlen(marks[k]), *q = s;
            while (*q && !(*q == '\'' && (q[1] == 0 || strchr(";.,)", q[1]))))
                q++;
            if (!*q)
                break;
            char *name = xstrndup(s, (size_t)(q - s));
            if (!name)
                return SANCTAG_E_NOMEM;
            const char *comma = surname_split ? strstr(name, ", ") : NULL;
            if (comma) {
                char *sur = xstrndup(name, (size_t)(comma - name));
                rc = sur ? sanctagp_add_person_name(e, sur, comma + 2, e->east_asian, 1,
                                                    "OFAC remarks, weak a.k.a.")
                         : SANCTAG_E_NOMEM;
                free(sur);
            } else {
                rc = sanctagp_add_name(e, name, 1, "OFAC remarks, weak a.k.a.");
            }
            free(name);
            p = q;
        }
    }
    return rc;
}

/* The value of a "; "-separated remarks segment starting with `label` (case
 * insensitive), e.g. "nationality Korea, North"; owned or NULL. */
static char *remarks_value(const char *remarks, const char *label)
{
    size_t ln = strlen(label);
    const char *p = remarks;
    while (*p) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *seg = p;
        while (*p && *p != ';')
            p++;
        if ((size_t)(p - seg) > ln && strncasecmp(seg, label, ln) == 0) {
            char *v = xstrndup(seg + ln, (size_t)(p - seg) - ln);
            char *c = v ? sanctagp_clean_name(v) : NULL;
            free(v);
            return c;
        }
    }
    return NULL;
}

static int ofac_sdn_record(imp *m, csv *c)
{
    const char *path = c->path;
    long line = c->rec_line;
    if (c->nf != 12)
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld has %d fields, an OFAC sdn.csv record has "
                                  "12",
                                  path, line, c->recno, c->nf);
    char **f = c->f;
    if (!all_digits(f[0]))
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld: ent_num '%s' is not a number", path, line,
                                  c->recno, f[0]);
    if (!sanctagp_has_alpha(f[1]) && !strpbrk(f[1], "0123456789"))
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld (ent_num %s): empty SDN_Name", path, line,
                                  c->recno, f[0]);
    const char *label;
    if (!*f[2])
        label = "ORG";
    else if (strcasecmp(f[2], "individual") == 0)
        label = "PERSON";
    else if (strcasecmp(f[2], "vessel") == 0)
        label = "VESSEL";
    else if (strcasecmp(f[2], "aircraft") == 0) {
        sanctagp_import_skip(m, "OFAC aircraft");
        return 0;
    } else
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld (ent_num %s): SDN_Type '%s' unknown "
                                  "(individual, vessel, aircraft or -0-)",
                                  path, line, c->recno, f[0], f[2]);
    char key[40];
    snprintf(key, sizeof key, "ofac:%s", f[0]);
    ientity *e;
    int rc = sanctagp_new_entity(m, key, label, path, line, &e);
    if (rc)
        return rc;
    e->listed = 1;
    e->name = sanctagp_clean_name(f[1]);
    e->list_ref = xstrdup(f[0]);
    if (!e->name || !e->list_ref)
        return sanctagp_import_oom(m, path, line);
    /* "NPWMD] [DPRK2" */
    for (const char *p = f[3]; *p;) {
        while (*p == '[' || *p == ']' || *p == ' ')
            p++;
        const char *s = p;
        while (*p && *p != ']' && *p != '[')
            p++;
        sanctagp_program_push(e, s, (size_t)(p - s));
    }
    const char *remarks = f[11];
    static const char *const types[] = {"individual", "entity", "vessel"};
    sanctagp_attr_set(e, "type", types[label[0] == 'P' ? 0 : label[0] == 'O' ? 1 : 2]);
    sanctagp_attr_set(e, "title", f[4]);
    char imo[8];
    if (sanctagp_find_imo(remarks, imo))
        sanctagp_attr_set(e, "imo", imo);
    if (label[0] == 'V') {
        sanctagp_attr_set(e, "call_sign", f[5]);
        sanctagp_attr_set(e, "vessel_type", f[6]);
        sanctagp_attr_set(e, "tonnage", f[7]);
        sanctagp_attr_set(e, "grt", f[8]);
        sanctagp_attr_set(e, "owner", f[10]);
        if (*f[9]) {
            char cc[3];
            if (sanctagp_country_code(f[9], cc)) {
                sanctagp_attr_set(e, "flag", cc);
                e->country = xstrdup(cc);
            }
        }
    }
    char *nat = remarks_value(remarks, "nationality ");
    char *cit = remarks_value(remarks, "citizen ");
    char *dob = remarks_value(remarks, "DOB ");
    if (nat)
        sanctagp_country_note(e, nat, "nationality");
    if (cit)
        sanctagp_country_note(e, cit, "citizenship");
    sanctagp_attr_set(e, "dob", dob);
    free(nat);
    free(cit);
    free(dob);
    int ea = sanctagp_family_name_first(e->country);
    size_t i;
    json_t *v;
    json_array_foreach(e->programs, i, v)
    {
        if (strncmp(json_string_value(v), "DPRK", 4) == 0)
            ea = 1;
    }
    const char *comma = label[0] == 'P' ? strstr(e->name, ", ") : NULL;
    if (comma && sanctagp_east_asian_surname(e->name, (size_t)(comma - e->name)))
        ea = 1;
    e->east_asian = ea;
    if (comma) {
        char *sur = xstrndup(e->name, (size_t)(comma - e->name));
        rc = sur ? sanctagp_add_person_name(e, sur, comma + 2, ea, 0, "OFAC SDN name")
                 : SANCTAG_E_NOMEM;
        free(sur);
    } else {
        rc = sanctagp_add_name(e, e->name, 0, "OFAC SDN name");
    }
    if (!rc)
        rc = ofac_weak_akas(e, remarks, label[0] == 'P' ? "," : NULL);
    return rc ? sanctagp_import_oom(m, path, line) : 0;
}

static int ofac_alt_record(imp *m, csv *c)
{
    const char *path = c->path;
    long line = c->rec_line;
    if (c->nf != 5)
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld has %d fields, an OFAC alt.csv record has 5",
                                  path, line, c->recno, c->nf);
    char **f = c->f;
    if (!all_digits(f[0]))
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld: ent_num '%s' is not a number", path, line,
                                  c->recno, f[0]);
    if (!*f[3])
        return sanctagp_error_set(m->err, SANCTAG_E_FORMAT, path, line, 0, -1,
                                  "%s:%ld: record %ld (ent_num %s): empty alt_name", path, line,
                                  c->recno, f[0]);
    char key[40];
    snprintf(key, sizeof key, "ofac:%s", f[0]);
    long idx = sanctagp_iset_find(&m->set, key);
    if (idx < 0) {
        /* alt.csv may be newer than sdn.csv, or name aircraft we skip */
        sanctagp_import_skip(m, "OFAC alt.csv rows naming no imported sdn.csv entry");
        return 0;
    }
    ientity *e = &m->set.v[idx];
    char origin[64];
    snprintf(origin, sizeof origin, "OFAC alt.csv %s", *f[2] ? f[2] : "aka");
    const char *comma = sanctagp_is_person(e) ? strstr(f[3], ", ") : NULL;
    int rc;
    if (comma) {
        char *sur = xstrndup(f[3], (size_t)(comma - f[3]));
        rc = sur ? sanctagp_add_person_name(e, sur, comma + 2, e->east_asian, 0, origin)
                 : SANCTAG_E_NOMEM;
        free(sur);
    } else {
        rc = sanctagp_add_name(e, f[3], 0, origin);
    }
    return rc ? sanctagp_import_oom(m, path, line) : 0;
}

int sanctagp_parse_ofac(imp *m, const char *const *files, size_t nfiles)
{
    ofac_file *of = calloc(nfiles, sizeof *of);
    if (!of)
        return sanctagp_import_oom(m, files[0], 0);
    int rc = 0, have_sdn = 0;
    csv c;
    memset(&c, 0, sizeof c);
    for (size_t i = 0; i < nfiles && !rc; i++) {
        of[i].path = files[i];
        size_t len;
        char *buf = sanctagp_read_file(files[i], &len, m->err);
        if (!buf) {
            rc = m->err ? m->err->code : SANCTAG_E_IO;
            break;
        }
        m->hash = sanctagp_fnv1a(m->hash, buf, len);
        of[i].buf = to_utf8(files[i], buf, len, &of[i].len, m->err);
        if (!of[i].buf) {
            free(buf);
            rc = m->err ? m->err->code : SANCTAG_E_FORMAT;
            break;
        }
        /* the kind of file from its first record's width */
        c.path = files[i];
        c.p = of[i].buf;
        c.end = of[i].buf + of[i].len;
        c.line = 1;
        c.recno = 0;
        int r = csv_next(&c, m->err);
        if (r < 0) {
            rc = r;
            break;
        }
        if (r == 0 || (c.nf != 12 && c.nf != 5 && c.nf != 6)) {
            rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, files[i], r ? c.rec_line : 0, 0, -1,
                                    "%s: not an OFAC sdn.csv (12 fields), alt.csv (5) or add.csv "
                                    "(6): %s%d fields",
                                    files[i], r ? "the first record has " : "no records, ",
                                    r ? c.nf : 0);
            break;
        }
        of[i].kind = c.nf == 12 ? OFAC_SDN : c.nf == 5 ? OFAC_ALT : OFAC_ADD;
        have_sdn |= of[i].kind == OFAC_SDN;
    }
    if (!rc && !have_sdn)
        rc = sanctagp_error_set(m->err, SANCTAG_E_INVALID, files[0], 0, 0, -1,
                                "%s: no OFAC sdn.csv among the files (records of 12 fields: "
                                "ent_num, SDN_Name, SDN_Type, Program, ..., Remarks)",
                                files[0]);
    /* entries first, then their aliases and addresses */
    char (*addr)[3] = NULL; /* per entity: the country of its addresses, "--" if they differ */
    for (int pass = 0; pass < 3 && !rc; pass++) {
        if (pass == 2) {
            addr = calloc(m->set.n ? m->set.n : 1, sizeof *addr);
            if (!addr) {
                rc = sanctagp_import_oom(m, files[0], 0);
                break;
            }
        }
        for (size_t i = 0; i < nfiles && !rc; i++) {
            if (of[i].kind != pass)
                continue;
            c.path = files[i];
            c.p = of[i].buf;
            c.end = of[i].buf + of[i].len;
            c.line = 1;
            c.recno = 0;
            int r = 0;
            while (!rc && (r = csv_next(&c, m->err)) > 0) {
                if (pass == OFAC_SDN) {
                    rc = ofac_sdn_record(m, &c);
                } else if (pass == OFAC_ALT) {
                    rc = ofac_alt_record(m, &c);
                } else if (c.nf != 6) {
                    rc = sanctagp_error_set(m->err, SANCTAG_E_FORMAT, c.path, c.rec_line, 0, -1,
                                            "%s:%ld: record %ld has %d fields, an OFAC add.csv "
                                            "record has 6",
                                            c.path, c.rec_line, c.recno, c.nf);
                } else {
                    char key[40], cc[3];
                    snprintf(key, sizeof key, "ofac:%s", c.f[0]);
                    long idx = sanctagp_iset_find(&m->set, key);
                    if (idx >= 0 && *c.f[4] && sanctagp_country_code(c.f[4], cc)) {
                        if (!addr[idx][0])
                            memcpy(addr[idx], cc, 3);
                        else if (strcmp(addr[idx], cc) != 0)
                            memcpy(addr[idx], "--", 3);
                    }
                }
            }
            if (!rc && r < 0)
                rc = r;
        }
    }
    for (size_t i = 0; !rc && addr && i < m->set.n; i++) {
        ientity *e = &m->set.v[i];
        if (!e->country && addr[i][0] && addr[i][0] != '-' && !sanctagp_is_person(e))
            e->country = xstrdup(addr[i]);
    }
    free(addr);
    csv_clear(&c);
    free(c.f);
    for (size_t i = 0; i < nfiles; i++)
        free(of[i].buf);
    free(of);
    return rc;
}
