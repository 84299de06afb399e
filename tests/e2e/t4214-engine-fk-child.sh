#!/bin/sh
# Foreign keys of the migrated table (it is the child, issue 13): a named
# one and one the server named (t_ibfk_1), both RESTRICT, to a parent whose
# rows another writer inserts and deletes throughout; a BEFORE INSERT
# trigger fills the key column. The mirror writer writes to t and its
# mirror (same constraints, same trigger) during two migrations. Then
# t equals its mirror, t's constraints are what they were (SHOW CREATE
# TABLE: names and definitions), they hold (no orphan; a bad row is
# refused), no constraint or table of the run is left, and the parent's
# writer saw no error but the expected refusal of a referenced parent.
# Refused in the dry run: a cascading rule (the server does not log the
# rows a cascade changes), an ALTER that drops a constrained column.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
. "$OSC_SRCDIR/tests/e2e/engine-lib.sh"
start_server primary

TOOLS=$OSC_BUILDDIR/tests/tools
DB=fkc
"$TOOLS/writer" -S "$PRIMARY_SOCK" -uroot --database=$DB --create=int \
    --rows=3000 --seed=31 >/dev/null || fail "writer --create failed"
sql primary "USE $DB;
    CREATE TABLE p (id INT NOT NULL PRIMARY KEY, note VARCHAR(10));
    INSERT INTO p (id) SELECT seq FROM seq_1_to_60;
    ALTER TABLE t ADD COLUMN pid INT NULL, ADD COLUMN pid2 INT NULL;
    ALTER TABLE t_mirror ADD COLUMN pid INT NULL, ADD COLUMN pid2 INT NULL;
    UPDATE t SET pid = 1 + ABS(id % 50), pid2 = 1 + ABS(id % 7);
    UPDATE t_mirror SET pid = 1 + ABS(id % 50), pid2 = 1 + ABS(id % 7);
    ALTER TABLE t ADD CONSTRAINT fk_t_p FOREIGN KEY (pid) REFERENCES p (id),
        ADD FOREIGN KEY (pid2) REFERENCES p (id) ON DELETE NO ACTION;
    ALTER TABLE t_mirror ADD CONSTRAINT fk_m_p FOREIGN KEY (pid)
        REFERENCES p (id), ADD FOREIGN KEY (pid2) REFERENCES p (id);
    CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW
        SET NEW.pid = 1 + ABS(NEW.id % 50);
    CREATE TRIGGER m_bi BEFORE INSERT ON t_mirror FOR EACH ROW
        SET NEW.pid = 1 + ABS(NEW.id % 50)" || fail "cannot set up the constraints"
constraints() {
    sql primary "SHOW CREATE TABLE $DB.t" | cut -f2- | tr -s ' ' |
        sed 's/\\n/\n/g' | grep CONSTRAINT
}
constraints >"$E2E_DIR/fk.before"
[ "$(grep -c CONSTRAINT "$E2E_DIR/fk.before")" = 2 ] &&
    grep -q '`t_ibfk_1`' "$E2E_DIR/fk.before" &&
    grep -q '`fk_t_p`' "$E2E_DIR/fk.before" ||
    fail "unexpected constraints: $(cat "$E2E_DIR/fk.before")"

# The parent's writer: new parents come and go (never referenced), and a
# referenced one can never be deleted.
rm -f "$E2E_DIR/stop.parent"
(
    i=1000 bad=0
    while [ ! -e "$E2E_DIR/stop.parent" ]; do
        sql primary "INSERT INTO $DB.p (id) VALUES ($i);
            DELETE FROM $DB.p WHERE id = $((i - 3))" ||
            bad=$((bad + 1))
        if sql primary "DELETE FROM $DB.p WHERE id = $((1 + i % 7))" 2>/dev/null; then
            bad=$((bad + 1))
        fi
        i=$((i + 1))
    done
    echo "parent: $((i - 1000)) rounds, $bad unexpected"
) >"$E2E_DIR/parent.out" 2>&1 &
PARENT_PID=$!
ENGINE_WRITERS="$ENGINE_WRITERS $PARENT_PID"

start_writer $DB --threads=2 --seed=32 --rate=${OSC_TEST_RATE:-300}
sleep 1
for alter in "ADD COLUMN note VARCHAR(32) NOT NULL DEFAULT 'x'" \
    "ADD INDEX k_i (c_i)"; do
    run_osc_bounded "$OSC_TIMEOUT" $(osc_conn primary) --chunk-size=500 \
        --instant=never --alter="$alter" --execute $DB.t
    expect_status 0 || fail "osc failed on '$alter'"
    expect_err 'cut-over: 2 foreign keys moved to the new table in [0-9]+ ms, under the lock'
    e2e_log "'$alter': $(grep -E '^(done|cut-over: 2)' "$E2E_DIR/osc.err" | tr '\n' ' ')"
    sleep 1
done
stop_writer $DB
touch "$E2E_DIR/stop.parent"
wait "$PARENT_PID"
ENGINE_WRITERS=$(echo "$ENGINE_WRITERS" | tr ' ' '\n' | grep -vx "$PARENT_PID" | tr '\n' ' ')
e2e_log "$(cat "$E2E_DIR/parent.out")"
grep -q ', 0 unexpected$' "$E2E_DIR/parent.out" ||
    e2e_fail "the parent's writer saw errors: $(cat "$E2E_DIR/parent.out")"

constraints >"$E2E_DIR/fk.after"
diff "$E2E_DIR/fk.before" "$E2E_DIR/fk.after" >&2 ||
    e2e_fail "the constraints differ after the migrations"
orphans=$(sql_value primary "SELECT COUNT(*) FROM $DB.t LEFT JOIN $DB.p
    ON p.id = t.pid WHERE t.pid IS NOT NULL AND p.id IS NULL")
[ "$orphans" = 0 ] || e2e_fail "$orphans rows of t have no parent"
[ "$(sql_value primary "SELECT COUNT(*) FROM $DB.t WHERE pid IS NOT NULL")" -gt 3000 ] ||
    e2e_fail "the trigger did not fill pid for the writer's rows"
if sql primary "UPDATE $DB.t SET pid2 = 999999 ORDER BY id LIMIT 1" 2>"$E2E_DIR/bad"; then
    e2e_fail "a row without a parent was accepted"
fi
grep -q 't_ibfk_1' "$E2E_DIR/bad" || e2e_fail "unexpected refusal: $(cat "$E2E_DIR/bad")"
left=$(sql primary "SELECT CONCAT(table_name, '.', constraint_name)
    FROM information_schema.referential_constraints
    WHERE constraint_schema = '$DB' AND table_name NOT IN ('t', 't_mirror')
    UNION ALL SELECT table_name FROM information_schema.tables
    WHERE table_schema = '$DB' AND table_name LIKE '\\_%'")
[ -z "$left" ] || e2e_fail "left behind: $left"

# Refused in the dry run.
run_osc $(osc_conn primary) --alter="DROP COLUMN pid2" $DB.t
expect_status 1
expect_err 'error: foreign key `t_ibfk_1` of `fkc`.`t` uses column `pid2`, which the ALTER drops'
sql primary "CREATE TABLE $DB.casc (id INT PRIMARY KEY, pid INT,
        FOREIGN KEY (pid) REFERENCES $DB.p (id) ON DELETE CASCADE)"
run_osc $(osc_conn primary) --alter="ADD COLUMN z INT" $DB.casc
expect_status 1
expect_err 'foreign key `casc_ibfk_1` \(to `fkc`.`p`\) of table `fkc`.`casc` has ON DELETE CASCADE ON UPDATE RESTRICT; the server does not write the rows a cascade changes'
exit 0
