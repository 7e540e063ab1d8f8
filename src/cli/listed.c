/* listed.c - the listed-entity filters of tag, show and cooccur (listed.h). */
#include "listed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

const char cli_listed_help[] =
    "  --listed-only        only mentions of entities on a sanctions list\n"
    "  --program LIST       only listed mentions under one of these programmes\n"
    "                       (comma-separated; DPRK also matches DPRK2, DPRK3 and\n"
    "                       DPRK-NKSPEA, IRAN also Iran and IRAN-TRA; any case)\n"
    "  --list-source LIST   only listed mentions with a record on one of these lists\n"
    "                       (comma-separated list sources: un-sc, ofac-sdn, ...)\n"
    "                       --program and --list-source imply --listed-only and\n"
    "                       apply to one record at a time: a curated entity linked\n"
    "                       to a UN and an OFAC record passes --list-source un-sc\n"
    "                       --program DPRK when its UN record is a DPRK one\n";

/* Splits a comma-separated LIST into v; -1 when an item is empty or long. */
static int split(const char *arg, char v[][64], size_t *n)
{
    *n = 0;
    const char *s = arg;
    for (;;) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        while (len && (*s == ' ' || *s == '\t')) {
            s++;
            len--;
        }
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (!len || len >= 64 || *n == CLI_LISTED_MAX)
            return -1;
        memcpy(v[*n], s, len);
        v[(*n)++][len] = 0;
        if (!e)
            return 0;
        s = e + 1;
    }
}

static void describe(cli_listed *f)
{
    size_t o = (size_t)snprintf(f->desc, sizeof f->desc, "listed");
    for (int k = 0; k < 2; k++) {
        size_t n = k ? f->nsrc : f->nprog;
        for (size_t i = 0; i < n && o < sizeof f->desc; i++)
            o += (size_t)snprintf(f->desc + o, sizeof f->desc - o, "%s%s",
                                  i   ? ","
                                  : k ? ";list-source="
                                      : ";program=",
                                  k ? f->src[i] : f->prog[i]);
    }
}

int cli_listed_option(cli_listed *f, const char *cmd, int which, const char *arg)
{
    f->on = 1;
    if (which == 'p' && split(arg, f->prog, &f->nprog))
        return cli_usage(cmd,
                         "--program needs a comma-separated list of programme names "
                         "(DPRK,IRAN), not '%s'",
                         arg);
    if (which == 's' && split(arg, f->src, &f->nsrc))
        return cli_usage(cmd,
                         "--list-source needs a comma-separated list of list sources "
                         "(un-sc,ofac-sdn), not '%s'",
                         arg);
    describe(f);
    return EXIT_OK_;
}

/* programme p matches filter value v: equal, or v then a digit or '-' */
static int prog_match(const char *p, const char *v)
{
    size_t n = strlen(v);
    return strncasecmp(p, v, n) == 0 && (p[n] == 0 || p[n] == '-' || (p[n] >= '0' && p[n] <= '9'));
}

/* 1 when one record {source, programs} passes */
static int record_ok(const cli_listed *f, const char *source, json_t *programs)
{
    int ok = f->nsrc == 0;
    for (size_t i = 0; !ok && i < f->nsrc; i++)
        ok = source && strcasecmp(source, f->src[i]) == 0;
    if (!ok || f->nprog == 0)
        return ok;
    size_t k;
    json_t *p;
    json_array_foreach(programs, k,
                       p) for (size_t i = 0; i < f->nprog;
                               i++) if (json_is_string(p) &&
                                        prog_match(json_string_value(p), f->prog[i])) return 1;
    return 0;
}

int cli_listed_sanctions(const cli_listed *f, json_t *sa)
{
    if (!f->on)
        return 1;
    if (!json_is_true(json_object_get(sa, "listed")))
        return 0;
    if (!f->nprog && !f->nsrc)
        return 1;
    json_t *recs = json_object_get(sa, "records");
    if (json_array_size(recs) == 0)
        return record_ok(f, json_string_value(json_object_get(sa, "source")),
                         json_object_get(sa, "programs"));
    size_t k;
    json_t *r;
    json_array_foreach(recs, k, r) if (record_ok(f, json_string_value(json_object_get(r, "source")),
                                                 json_object_get(r, "programs"))) return 1;
    return 0;
}

int cli_listed_entity(const cli_listed *f, const sanctag_gazetteer *gz, uint32_t idx)
{
    sanctag_entity e;
    if (!f->on)
        return 1;
    if (sanctag_gazetteer_entity(gz, idx, &e) || !e.listed)
        return 0;
    if (!f->nprog && !f->nsrc)
        return 1;
    const char *rj = sanctag_gazetteer_entity_records(gz, idx);
    json_t *recs = rj && *rj ? json_loads(rj, 0, NULL) : NULL;
    json_t *progs = *e.programs ? json_loads(e.programs, 0, NULL) : NULL;
    json_t *sa = json_pack("{s:b,s:s,s:o*,s:o*}", "listed", 1, "source", e.list_source, "programs",
                           progs, "records", recs);
    int ok = sa && cli_listed_sanctions(f, sa);
    json_decref(sa);
    return ok;
}

void cli_listed_check(const cli_listed *f, const sanctag_gazetteer *gz)
{
    if (!f->nprog && !f->nsrc)
        return;
    int seen[2][CLI_LISTED_MAX] = { { 0 } };
    uint32_t n = sanctag_gazetteer_entity_count(gz);
    cli_listed one;
    memset(&one, 0, sizeof one);
    one.on = 1;
    for (uint32_t i = 0; i < n; i++) {
        sanctag_entity e;
        if (sanctag_gazetteer_entity(gz, i, &e) || !e.listed)
            continue;
        for (int k = 0; k < 2; k++)
            for (size_t j = 0; j < (k ? f->nsrc : f->nprog); j++) {
                if (seen[k][j])
                    continue;
                one.nprog = !k;
                one.nsrc = k;
                memcpy(k ? one.src[0] : one.prog[0], k ? f->src[j] : f->prog[j], 64);
                seen[k][j] = cli_listed_entity(&one, gz, i);
            }
    }
    for (int k = 0; k < 2; k++)
        for (size_t j = 0; j < (k ? f->nsrc : f->nprog); j++)
            if (!seen[k][j])
                cli_warn("%s '%s': no listed entity of the gazetteer has it, so no span "
                         "passes it",
                         k ? "--list-source" : "--program", k ? f->src[j] : f->prog[j]);
}
