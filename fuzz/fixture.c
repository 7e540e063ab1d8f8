/* fixture.c - the gazetteer the tagging fuzz target matches against: every
 * alias kind, case policy, suppressors, accents, punctuation inside aliases,
 * and cue words of every role (the image's cue table, the name rules). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static const char tsv[] =
    "key\tlabel\tname\tcountry\talias\tlang\tkind\tcase\taccents\tsource\n"
    "country:KP\tCOUNTRY\tNorth Korea\tKP\tKorea Utara\tid\t\t\t\tf\n"
    "country:KP\t\t\t\tKorut\tid\tabbreviation\t\t\tf\n"
    "country:KP\t\t\t\tDemocratic People's Republic of Korea\ten\tofficial\t\t\tf\n"
    "country:US\tCOUNTRY\tUnited States\tUS\tAS\tid\tabbreviation\t\t\tf\n"
    "country:US\t\t\t\tU.S.\ten\tabbreviation\t\t\tf\n"
    "country:TR\tCOUNTRY\tTurkey\tTR\tTürkiye\t\t\t\t\tf\n"
    "country:DE\tCOUNTRY\tGermany\tDE\tJérman\t\t\t\tstrict\tf\n"
    "country:LA\tCOUNTRY\tLaos\tLA\tLaos\t\t\tcap\t\tf\n"
    "org:un\tORG\tUnited Nations\t\tPBB\tid\tabbreviation\t\t\tf\n"
    "org:unsc\tORG\tUN Security Council\t\tDewan Keamanan PBB\tid\t\t\t\tf\n"
    "org:unsc\t\t\t\tDK PBB\tid\t\t\t\tf\n"
    "org:unsc\t\t\t\tDewan Keamanan (DK) PBB\tid\t\t\t\tf\n"
    "org:iaea\tORG\tIAEA\t\tBadan Energi Atom Internasional\tid\t\t\t\tf\n"
    "org:kemlu-us\tORG\tUS State Department\t\tKementerian Luar Negeri AS\tid\t\t\t\tf\n"
    "person:kju\tPERSON\tKim Jong Un\tKP\tKim Jong Un\t\t\t\t\tf\n"
    "person:trump\tPERSON\tDonald Trump\tUS\tDonald Trump\t\t\t\t\tf\n"
    "location:seoul\tLOCATION\tSeoul\tKR\tSeoul\t\t\t\t\tf\n"
    "location:georgia\tLOCATION\tGeorgia\tUS\tGeorgia\t\t\t\t\tf\n"
    "country:GE\tCOUNTRY\tGeorgia\tGE\tGeorgia\t\t\t\t\tf\n"
    "currency:usd\tCURRENCY\tUS dollar\t\tdolar AS\tid\tsuppressor\t\t\tf\n"
    "org:weak\tORG\tWeak\t\tWeakname\t\tweak\t\t\tf\n"
    "org:cjk\tORG\tCJK\t\t北朝鮮 中央通信\tja\t\t\t\tf\n";

static const char cues[] =
    "word\trole\tevidence\n"
    "Presiden\tperson-title\tf\n"
    "kata\tperson-before-verb\tf\n"
    "menurut\tperson-before-prep\tf\n"
    "mengatakan\tperson-after-verb\tf\n"
    "PT\torg-head\tf\n"
    "FC\torg-tail\tf\n"
    "dan\torg-connector\tf\n"
    "bin\tperson-connector\tf\n"
    "Namun\tstop\tf\n"
    "Luar\toffice\tf\n"
    "di\tnonperson-before\tf\n";

/* Writes text to a fresh temporary file named like pattern; its path in path. */
static void write_temp(char *path, size_t cap, const char *text, size_t len)
{
    snprintf(path, cap, "/tmp/sanctag-fuzz-XXXXXX.tsv");
    int fd = mkstemps(path, 4);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len)
        abort();
    close(fd);
}

const char *fuzz_fixture_db(void)
{
    static char db_path[64];
    if (db_path[0])
        return db_path;
    char tsv_path[64], cue_path[64];
    write_temp(tsv_path, sizeof tsv_path, tsv, sizeof tsv - 1);
    write_temp(cue_path, sizeof cue_path, cues, sizeof cues - 1);
    snprintf(db_path, sizeof db_path, "/tmp/sanctag-fuzz-XXXXXX");
    int fd = mkstemp(db_path);
    if (fd < 0)
        abort();
    close(fd);
    unlink(db_path);
    sanctag_error e = {0};
    sqlite3 *db = NULL;
    if (sanctagp_db_open(db_path, DB_CREATE, &db, &e) ||
        sanctagp_db_exec(db, db_path, "BEGIN", &e) ||
        sanctagp_source_add(db, db_path, tsv_path, &e) ||
        sanctagp_source_add(db, db_path, cue_path, &e) ||
        sanctagp_db_refresh(db, db_path, &e) || sanctagp_db_exec(db, db_path, "COMMIT", &e)) {
        fprintf(stderr, "fixture: %s\n", e.text);
        abort();
    }
    sqlite3_close(db);
    unlink(tsv_path);
    unlink(cue_path);
    return db_path;
}
