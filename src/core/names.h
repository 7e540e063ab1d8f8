/* names.h - private: facts about personal names that the tagger and the list
 * importers share. */
#ifndef SANCTAG_CORE_NAMES_H
#define SANCTAG_CORE_NAMES_H

/* 1 when names of people from country `cc` (ISO 3166-1 alpha-2, as the
 * gazetteer stores it; NULL gives 0) are written family name first: the short form of
 * "Kim Jong Un" is "Kim", of "Donald Trump" "Trump". */
int sanctagp_family_name_first(const char *cc);

#endif
