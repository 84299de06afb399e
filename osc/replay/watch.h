/*
 * watch.h: the DDL watch. Decides, from a statement's text, whether a
 * QUERY event of the binary log touches the migrated table (DDL, or DML
 * logged as a statement: either ends the replay) and whether it is the
 * cut-over's own RENAME. Pure: text in, answer out.
 */
#ifndef OSC_REPLAY_WATCH_H
#define OSC_REPLAY_WATCH_H

#include "util/compat.h"

/*
 * 1 when `sql` names `db`.`table`, qualified, or unqualified with
 * `cur_db` (the event's default database, may be NULL) equal to `db`.
 * Strings and comments are skipped; the text of an executable comment
 * (slash-star-bang) counts. Names compare under `lctn`, the server's
 * lower_case_table_names (util/ident.h): with 1 or 2, `ALTER TABLE T`
 * names `t`.
 */
int replay_watch_mentions_table(int lctn, const char *sql, const char *cur_db,
				const char *db, const char *table);

/*
 * 1 when a statement that names the table cannot change its rows or its
 * definition, nor make it the parent of a foreign key, so that the run
 * goes on (a native ALTER would not mind it either): GRANT, REVOKE,
 * ANALYZE; CREATE, ALTER or DROP of an EVENT, VIEW, PROCEDURE or
 * FUNCTION (gh-ost's tests drop an event named like the table); CREATE
 * TABLE of another table (LIKE it, or AS SELECT from it) without a
 * REFERENCES. 0 for anything else, which ends the replay.
 */
int replay_watch_harmless(int lctn, const char *sql, const char *cur_db,
			  const char *db, const char *table);

/* 1 when the first word of `sql` (after blanks and comments) is `word`. */
int replay_watch_starts_with_word(const char *sql, const char *word);

#endif
