#!/bin/sh
# Preflight checks on the table, each with its message and exit status 1,
# and a dry run of a good table with the facts on stdout. One server.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
HOME=$E2E_DIR
export HOME
unset MYSQL_PWD || :
start_server primary
CONN="--no-defaults $(osc_conn primary | tr '\n' ' ')"
ADD="--alter=ADD COLUMN note VARCHAR(64)"

sql primary "
CREATE DATABASE shop;
CREATE TABLE shop.good (id INT PRIMARY KEY, v VARCHAR(10));
INSERT INTO shop.good VALUES (1,'a'),(2,'b'),(3,'c');
CREATE TABLE shop.uniq (a INT NOT NULL, b INT NOT NULL, c INT, UNIQUE KEY ab (a, b), UNIQUE KEY c (c));
CREATE TABLE shop.nokey (a INT);
CREATE TABLE shop.nullkey (a INT, UNIQUE KEY u (a));
CREATE TABLE shop.prefix (a VARCHAR(100) NOT NULL, UNIQUE KEY p (a(10)));
CREATE TABLE shop.ignored (a INT NOT NULL, b INT NOT NULL, c INT NOT NULL, UNIQUE KEY bc (b, c), UNIQUE KEY a (a) IGNORED);
CREATE TABLE shop.isam (id INT PRIMARY KEY) ENGINE=MyISAM;
CREATE VIEW shop.vw AS SELECT id FROM shop.good;
CREATE TABLE shop.hist (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING;
CREATE TABLE shop.parent (id INT PRIMARY KEY);
CREATE TABLE shop.child (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_parent FOREIGN KEY (pid) REFERENCES shop.parent (id));
CREATE TABLE shop.trig (id INT PRIMARY KEY);
CREATE TRIGGER shop.trig_ai AFTER INSERT ON shop.trig FOR EACH ROW SET @x = 1;
CREATE TABLE shop.left1 (id INT PRIMARY KEY);
CREATE TABLE shop._left1_new (id INT);
CREATE TABLE shop._left1_osc (id INT);
CREATE TABLE shop.locked (id INT PRIMARY KEY);
CREATE TABLE shop._locked_new (id INT);
CREATE DATABASE \`my.db\`;
CREATE TABLE \`my.db\`.\`odd\`\`name\` (id INT PRIMARY KEY);
CREATE TABLE shop.t234567890123456789012345678901234567890123456789012345678901 (id INT PRIMARY KEY);
" || fail "setting up the tables failed"
tables_before=$(sql primary "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ('shop', 'my.db')")

# preflight_fails TABLE REGEX: exit 1 with the message.
preflight_fails() {
    run_osc $CONN "$ADD" "$1"
    expect_status 1 && expect_err "$2"
}

# A good table: exit 0, the facts on stdout, nothing changed.
run_osc $CONN "$ADD" shop.good
expect_status 0
expect_out '^server: +127\.0\.0\.1:[0-9]+, MariaDB [0-9]+\.[0-9]+\.[0-9]+ \('
expect_out '^binary log: +log_bin=ON binlog_format=ROW binlog_row_image=FULL server_id=1$'
expect_out '^table: +`shop`\.`good`, InnoDB, about [0-9]+ rows, .* data \+ .* indexes'
expect_out '^key: +PRIMARY \(`id`\)$'
expect_out '^alter: +ADD COLUMN note VARCHAR\(64\)$'
expect_out '^ghost table: +`shop`\.`_good_new`$'
expect_out '^changelog table: +`shop`\.`_good_osc`$'
expect_out '^old table: +`shop`\.`_good_old`$'
expect_out "^lock: +GET_LOCK\('osc\.shop\.good'\)$"
expect_out '^with --execute, osc would:$'
expect_out '^dry run: nothing was changed$'
expect_err '^preflight: all checks passed$'
grep -q '^error' "$E2E_DIR/osc.err" && e2e_fail "errors in a passing dry run"

# JSON: one object on stdout; messages as JSON lines on stderr.
run_osc $CONN --log-format=json "$ADD" shop.good
expect_status 0
expect_out '^\{"type":"plan","dry_run":true,"server":\{"address":"127\.0\.0\.1:[0-9]+","flavor":"MariaDB"'
expect_out '"key":"PRIMARY","key_columns":\["id"\]'
expect_out '"objects":\{"ghost":"_good_new","changelog":"_good_osc","old":"_good_old","lock":"osc\.shop\.good"\},"ghost_definition":"CREATE TABLE'
[ "$(wc -l <"$E2E_DIR/osc.out")" = 1 ] || e2e_fail "JSON plan is not one line"
grep -qv '^{' "$E2E_DIR/osc.err" && e2e_fail "non-JSON line on stderr in JSON mode"

# -q: the plan only; -vv: every SQL statement on stderr.
run_osc $CONN -q "$ADD" shop.good
expect_status 0
[ -s "$E2E_DIR/osc.err" ] && e2e_fail "-q printed: $(cat "$E2E_DIR/osc.err")"
run_osc $CONN -vv "$ADD" shop.good
expect_status 0
expect_err '^debug: sql\[main/[0-9]+\]: SELECT @@version'

# The key: a NOT NULL unique key when there is no primary key (the
# smallest), and none when unique keys allow NULL or index a prefix.
run_osc $CONN "$ADD" shop.uniq
expect_status 0
expect_out '^key: +ab \(`a`, `b`\)$'
preflight_fails shop.nokey '^error: table `shop`\.`nokey` has no primary key and no unique key on NOT NULL columns; .*add a primary key first$'
preflight_fails shop.nullkey '^error: table `shop`\.`nullkey` has no primary key, and its unique key `u` allows NULL'
preflight_fails shop.prefix 'its unique key `p` allows NULL \(or indexes a prefix'
# An IGNORED index cannot be forced: the smallest usable unique key is.
run_osc $CONN "$ADD" shop.ignored
expect_status 0
expect_out '^key: +bc \(`b`, `c`\)$'

# Engine, views, missing objects.
preflight_fails shop.isam '^error: table `shop`\.`isam` uses the MyISAM engine; osc needs InnoDB .*ALTER TABLE `shop`\.`isam` ENGINE=InnoDB$'
preflight_fails shop.vw '^error: `shop`\.`vw` is a view, not a table'
# A native ALTER refuses it too (4119); the copy would lose the history.
preflight_fails shop.hist '^error: table `shop`\.`hist` is system-versioned; osc cannot copy its history: use ALTER TABLE directly'
preflight_fails shop.nosuch '^error: table `shop`\.`nosuch` does not exist'
preflight_fails nodb.good '^error: database `nodb` does not exist on 127\.0\.0\.1:[0-9]+'
preflight_fails mysql.user '^error: database `mysql` belongs to the server'

# Foreign keys, both ways; triggers.
# Both sides are carried over (t4214, t4218).
run_osc $CONN "$ADD" shop.child
expect_status 0
expect_out '^foreign keys: +`fk_parent` \(to `shop`\.`parent`\)$'
run_osc $CONN "$ADD" shop.parent
expect_status 0
expect_out '^referenced by: +`fk_parent` of `shop`\.`child`$'
run_osc $CONN --log-format=json "$ADD" shop.parent
expect_status 0
expect_out '"triggers":\[\],"referenced_by":\[\["shop","child","fk_parent"\]\]\}'
# Triggers: carried over by default (t4212), refused on request.
run_osc $CONN --triggers=refuse "$ADD" shop.trig
expect_status 1
expect_err '^error: table `shop`\.`trig` has trigger `trig_ai`, and --triggers=refuse: drop it first'
run_osc $CONN "$ADD" shop.trig
expect_status 0
expect_out '^triggers: +`trig_ai` \(AFTER INSERT\)$'

# Leftovers: each one named, with the statement that removes it; every
# failing check reported in one run (here with a bad --alter too).
run_osc $CONN --alter="ADD x INT; DROP TABLE y" shop.left1
expect_status 1
expect_err '^error: table `shop`\.`_left1_new` is left over from an earlier osc run; .*DROP TABLE `shop`\.`_left1_new`$'
expect_err '^error: table `shop`\.`_left1_osc` is left over'
expect_err "^error: --alter: only one statement is allowed: remove what follows ';' near offset 11: 'DROP TABLE y'$"
[ "$(grep -c '^error:' "$E2E_DIR/osc.err")" = 3 ] || { e2e_fail "expected 3 errors"; show_osc_output; }

# --alter: empty, a whole statement, unbalanced.
run_osc $CONN --alter='  ' shop.good
expect_status 1 && expect_err '^error: --alter: empty ALTER: nothing to do$'
run_osc $CONN --alter='ALTER TABLE shop.good ADD x INT' shop.good
expect_status 1 && expect_err "^error: --alter takes the clauses that follow ALTER TABLE <table>: remove 'ALTER TABLE <table>' near offset 0"
run_osc $CONN --alter='ADD COLUMN x INT, ORDER BY id' shop.good
expect_status 1 && expect_err "^error: --alter: ORDER BY .* near offset 18: 'ORDER BY id'$"
run_osc $CONN --alter='ADD INDEX k (v' shop.good
expect_status 1 && expect_err "^error: --alter: unexpected end of text in index columns"

# Another run holds the lock: a client session keeps GET_LOCK while it
# sleeps; the leftover ghost of that run is not reported on its own.
"$MYSQL" --no-defaults --socket="$PRIMARY_SOCK" -uroot -N -e \
    "SELECT GET_LOCK('osc.shop.locked', 0), SLEEP(60)" >/dev/null 2>&1 &
holder=$!
wait_for 20 sh -c "[ \"\$($MYSQL --no-defaults --socket=$PRIMARY_SOCK -uroot -N -e \"SELECT IS_FREE_LOCK('osc.shop.locked')\")\" = 0 ]" ||
    fail "the lock holder did not take the lock"
holder_id=$(sql_value primary "SELECT IS_USED_LOCK('osc.shop.locked')")
run_osc $CONN "$ADD" shop.locked
expect_status 1
expect_err "^error: another osc run \(server connection $holder_id\) holds the lock 'osc\.shop\.locked' and is migrating \`shop\`\.\`locked\`; wait for it to finish$"
grep -q 'left over' "$E2E_DIR/osc.err" && e2e_fail "leftover reported while the lock is held"
sql primary "KILL $holder_id" || :
kill "$holder" 2>/dev/null || :
wait "$holder" 2>/dev/null || :
run_osc $CONN "$ADD" shop.locked
expect_status 1
expect_err '^error: table `shop`\.`_locked_new` is left over'

# Quoted names: a database with a dot, a table with a backtick.
run_osc $CONN "$ADD" '`my.db`.`odd``name`'
expect_status 0
expect_out '^table: +`my\.db`\.`odd``name`, InnoDB'
expect_out '^ghost table: +`my\.db`\.`_odd``name_new`$'
expect_out "^lock: +GET_LOCK\('osc\.\`my\.db\`\.\`odd\`\`name\`'\)$"

# A 61-character table name: object names shortened to 64 characters.
run_osc $CONN "$ADD" shop.t234567890123456789012345678901234567890123456789012345678901
expect_status 0
expect_out '^ghost table: +`shop`\.`_t2345678901234567890123456789012345678901234567890_[0-9a-f]{8}_new`$'

# Nothing was created or changed by any of it.
tables_after=$(sql primary "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ('shop', 'my.db')")
[ "$tables_before" = "$tables_after" ] || e2e_fail "tables changed: $tables_before -> $tables_after"
[ "$(sql_value primary 'SELECT COUNT(*) FROM shop.good')" = 3 ] || e2e_fail "rows changed"
sql primary "DROP TABLE shop._left1_new, shop._left1_osc, shop._locked_new; DROP TRIGGER shop.trig_ai"
expect_no_leftovers primary shop || :
exit 0
