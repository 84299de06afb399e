#!/bin/sh
# Triggers carried over (--triggers=carry, issue 13):
#  a. a table with six triggers (BEFORE/AFTER x INSERT/UPDATE/DELETE:
#     the BEFORE ones set columns, the AFTER ones and BEFORE DELETE write
#     to an audit table) and a seventh placed with PRECEDES, one of them in
#     a session of its own (sql_mode, character_set_client) and with
#     another DEFINER. The writer writes to `t` and to its mirror (which
#     has the same triggers writing to the mirror's audit table) during
#     two migrations. Then t equals its mirror, the audit table equals the
#     mirror's audit table (no duplicate, no missing row: a trigger that
#     fired on the ghost for a copied or replayed row would add rows), and
#     SHOW CREATE TRIGGER and the trigger order are what they were (the
#     server's RENAME respells a trigger's ON clause as ON `t`, or ON "t"
#     under ANSI_QUOTES: the triggers written that way must be byte for
#     byte the same, the one written otherwise compares with its ON clause
#     respelled);
#  c. (between the two) a cut-over that fails with the triggers moved:
#     they are back on t, identical, before any writer goes on;
#  b. dry runs refused: an ALTER that drops or renames a column a trigger
#     uses (naming the trigger), --triggers=refuse, a pt-osc trigger, a
#     ghost left holding triggers, a foreign DEFINER without SET USER.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
DB=trg
"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=$DB --create=int \
    --rows=3000 --seed=21 >/dev/null || fail "writer --create failed"

# The triggers of table $1 writing to audit table $2, named with prefix $3.
make_triggers() {
    tb=$1 aud=$2 p=$3
    sql primary "USE $DB;
    CREATE TABLE $aud (op CHAR(1) NOT NULL, k BIGINT NOT NULL, v BIGINT)
        ENGINE=InnoDB;
    ALTER TABLE $tb ADD COLUMN tg_ins BIGINT NULL,
        ADD COLUMN tg_upd INT NOT NULL DEFAULT 0;
    CREATE TRIGGER ${p}_bi BEFORE INSERT ON \`$tb\` FOR EACH ROW
        SET NEW.tg_ins = NEW.id * 7 + 1;
    create trigger ${p}_bu before update on $tb  for each row
        set new.tg_upd = old.tg_upd + 1;
    CREATE TRIGGER ${p}_bd BEFORE DELETE ON \`$tb\` FOR EACH ROW
        INSERT INTO $aud VALUES ('d', OLD.id, OLD.tg_ins);
    CREATE TRIGGER ${p}_ai AFTER INSERT ON \`$tb\` FOR EACH ROW
        INSERT INTO $aud VALUES ('I', NEW.id, NEW.tg_ins);
    CREATE TRIGGER ${p}_au AFTER UPDATE ON \`$tb\` FOR EACH ROW
        INSERT INTO $aud SELECT 'U', OLD.id, NEW.tg_upd
        UNION ALL SELECT 'K', NEW.id, OLD.id FROM DUAL WHERE NEW.id <> OLD.id;
    CREATE TRIGGER ${p}_ad AFTER DELETE ON \`$tb\` FOR EACH ROW
        INSERT INTO $aud VALUES ('D', OLD.id, OLD.tg_upd);
    SET SESSION sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES',
        character_set_client = latin1, collation_connection = latin1_bin;
    CREATE DEFINER = 'trgdef'@'localhost' TRIGGER ${p}_ai0 AFTER INSERT
        ON \"$tb\" FOR EACH ROW PRECEDES ${p}_ai
        INSERT INTO $aud VALUES ('i', NEW.id, LENGTH('\\\\'));" ||
        fail "cannot create the triggers of $tb"
}
sql primary "CREATE USER trgdef@localhost;
    GRANT ALL ON $DB.* TO trgdef@localhost" || fail "cannot create trgdef"
make_triggers t aud_t tt
make_triggers t_mirror aud_m tm
sql primary "UPDATE $DB.t SET tg_upd = 5 WHERE id < 100;
    UPDATE $DB.t_mirror SET tg_upd = 5 WHERE id < 100"

# SHOW CREATE TRIGGER of every trigger of t (less Created), and the order.
triggers_of_t() {
    for tr in $(sql primary "SELECT trigger_name FROM information_schema.triggers
        WHERE event_object_schema = '$DB' AND event_object_table = 't'
        ORDER BY trigger_name"); do
        sql primary "SHOW CREATE TRIGGER $DB.$tr" | cut -f1-6
    done
    sql primary "SELECT trigger_name, event_manipulation, action_timing,
        action_order, definer, sql_mode, character_set_client,
        collation_connection, database_collation, action_statement
        FROM information_schema.triggers WHERE event_object_schema = '$DB'
        AND event_object_table = 't' ORDER BY trigger_name"
}
triggers_of_t >"$E2E_DIR/triggers.before"
[ "$(grep -c '^tt_' "$E2E_DIR/triggers.before")" = 14 ] ||
    fail "expected 7 triggers on t: $(cat "$E2E_DIR/triggers.before")"
grep -q '^tt_ai0	INSERT	AFTER	1	trgdef@localhost	.*ANSI_QUOTES.*latin1' \
        "$E2E_DIR/triggers.before" ||
    fail "tt_ai0 is not first, or not in its own session: $(grep tt_ai0 "$E2E_DIR/triggers.before")"

# What they must be after a run: the same, tt_bu's ON clause respelled.
sed 's/ on t  for each row/ ON `t` for each row/' "$E2E_DIR/triggers.before" \
    >"$E2E_DIR/triggers.want"

# a. Two migrations under the writer.
start_writer $DB --threads=3 --seed=22 --rate=${OSC_TEST_RATE:-400}
sleep 1
audit_before=$(sql_value primary "SELECT COUNT(*) FROM $DB.aud_t")
for alter in "ADD COLUMN note VARCHAR(32) NOT NULL DEFAULT 'x'" fail \
    "ADD INDEX k_i (c_i), MODIFY tg_ins BIGINT NULL DEFAULT NULL"; do
    if [ "$alter" = fail ]; then
        # c. A cut-over that fails once the triggers are on the ghost (a
        #    trigger the table does not have appears there): they go back
        #    to t before the writers, which wait on the lock, go on; the
        #    audit comparison below shows that no write ran without them.
        touch "$E2E_DIR/resume"
        rm -f "$E2E_DIR/resume"
        OSC_TEST_PAUSE_AT=cut-over-locked:8000 \
        OSC_TEST_RESUME_FILE="$E2E_DIR/resume" start_osc $(osc_conn primary) \
            --chunk-size=500 --alter="ADD COLUMN z INT" --execute $DB.t
        wait_osc_line 'test pause at cut-over-locked' 60
        sql primary "CREATE TRIGGER $DB.stray BEFORE DELETE ON $DB._t_new
            FOR EACH ROW SET @stray = 1" || e2e_fail "c: cannot add the stray trigger"
        touch "$E2E_DIR/resume"
        finish_osc
        expect_status 1
        expect_err 'the triggers on `_t_new` are not the table.s \(in name and order\) after they were created again'
        expect_err '`trg`.`t` is unchanged'
        triggers_of_t >"$E2E_DIR/triggers.c"
        diff "$E2E_DIR/triggers.want" "$E2E_DIR/triggers.c" >&2 ||
            e2e_fail "c: the triggers of t are not what they were"
        continue
    fi
    run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --chunk-size=500 \
        --alter="$alter" --execute $DB.t
    expect_status 0 || fail "osc failed on '$alter'"
    expect_err 'cut-over: 7 triggers moved to the new table in [0-9]+ ms, under the lock'
    e2e_log "'$alter': $(grep -E '^(done|cut-over: 7)' "$E2E_DIR/osc.err" | tr '\n' ' ')"
    sleep 1
done
stop_writer $DB
audit_after=$(sql_value primary "SELECT COUNT(*) FROM $DB.aud_t")
[ "$audit_after" -gt "$audit_before" ] ||
    e2e_fail "the writer fired no trigger during the run ($audit_before, $audit_after)"
audit() {
    sql primary "SELECT op, k, v, COUNT(*) FROM $DB.$1 GROUP BY op, k, v
        ORDER BY op, k, v"
}
audit aud_t >"$E2E_DIR/aud_t"
audit aud_m >"$E2E_DIR/aud_m"
if ! diff "$E2E_DIR/aud_m" "$E2E_DIR/aud_t" >"$E2E_DIR/aud.diff"; then
    head -n 40 "$E2E_DIR/aud.diff" >&2
    e2e_fail "the audit table differs from the mirror's ($(wc -l <"$E2E_DIR/aud.diff") lines of diff)"
fi
e2e_log "audit rows: $audit_after (mirror $(sql_value primary "SELECT COUNT(*) FROM $DB.aud_m"))"

# The triggers are what they were: byte for byte for those written
# ON `t` FOR (ON "t" FOR under ANSI_QUOTES), the ON clause respelled for
# tt_bu (written on t  for).
triggers_of_t >"$E2E_DIR/triggers.after"
if ! diff "$E2E_DIR/triggers.want" "$E2E_DIR/triggers.after" >"$E2E_DIR/trg.diff"; then
    cat "$E2E_DIR/trg.diff" >&2
    e2e_fail "the triggers differ after the migrations"
fi
grep -q 'tt_bu.*before update on t  for each row' "$E2E_DIR/triggers.before" ||
    e2e_fail "the test lost its respelled trigger"
left=$(sql primary "SELECT CONCAT(event_object_table, '.', trigger_name)
    FROM information_schema.triggers WHERE event_object_schema = '$DB'
    AND event_object_table NOT IN ('t', 't_mirror')
    UNION ALL SELECT table_name FROM information_schema.tables
    WHERE table_schema = '$DB' AND table_name LIKE '\\_%'")
[ -z "$left" ] || e2e_fail "left behind: $left"

# b. Refused in the dry run.
run_osc $(osc_conn primary) --alter="DROP COLUMN tg_upd" $DB.t
expect_status 1
expect_err 'error: trigger `trg`.`tt_bu` uses column `tg_upd` \(NEW.tg_upd or OLD.tg_upd\), which the ALTER drops'
expect_err 'error: trigger `trg`.`tt_ad` uses column `tg_upd`'
run_osc $(osc_conn primary) --alter="CHANGE tg_ins tg_first BIGINT" $DB.t
expect_status 1
expect_err 'error: trigger `trg`.`tt_ai` uses column `tg_ins` .*renames to `tg_first`'
if grep -q 'tt_bu' "$E2E_DIR/osc.err"; then
    e2e_fail "tt_bu does not use tg_ins"
fi
run_osc $(osc_conn primary) --triggers=refuse --alter="ADD COLUMN z INT" $DB.t
expect_status 1
expect_err 'has triggers .*, and --triggers=refuse'
run_osc $(osc_conn primary) --alter="ADD COLUMN z INT" $DB.t
expect_status 0
expect_out '^triggers: +`tt_ad` \(AFTER DELETE\), `tt_bd` \(BEFORE DELETE\), `tt_ai0` \(AFTER INSERT\), `tt_ai` \(AFTER INSERT\)'
sql primary "CREATE TABLE $DB.p (id INT PRIMARY KEY);
    CREATE TRIGGER $DB.pt_osc_${DB}_p_ins AFTER INSERT ON $DB.p FOR EACH ROW
    SET @x = NEW.id"
run_osc $(osc_conn primary) --alter="ADD COLUMN z INT" $DB.p
expect_status 1
expect_err "trigger \`$DB\`.\`pt_osc_${DB}_p_ins\` looks like pt-online-schema-change's own"
sql primary "CREATE USER lim@'%' IDENTIFIED BY 'pw';
    GRANT ALL ON $DB.* TO lim@'%';
    GRANT REPLICATION SLAVE, BINLOG MONITOR, REPLICATION MASTER ADMIN ON *.* TO lim@'%'"
# A ghost left holding triggers (a run killed while moving them).
sql primary "CREATE TABLE $DB.q (id INT PRIMARY KEY);
    CREATE TABLE $DB._q_new LIKE $DB.q;
    CREATE TRIGGER $DB.q_moved BEFORE INSERT ON $DB._q_new FOR EACH ROW
    SET @x = NEW.id"
run_osc $(osc_conn primary) --alter="ADD COLUMN z INT" $DB.q
expect_status 1
expect_err 'table `trg`.`_q_new` holds the triggers or foreign keys `q_moved`: a run died while moving them'
sql primary "DROP TABLE $DB._q_new, $DB.q"
run_osc -h127.0.0.1 -P"$PRIMARY_PORT" -ulim -ppw --alter="ADD COLUMN z INT" $DB.t
expect_status 1
expect_err 'trigger `trg`.`tt_bi` has DEFINER .root.@.localhost.; creating it again on the new table needs SET USER'
exit 0
