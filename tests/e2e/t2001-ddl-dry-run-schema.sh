#!/bin/sh
# The ghost that osc's dry run builds has exactly the schema that a native
# ALTER TABLE gives (project issue 3).
#
# For each case: create the table (with rows), run the dry run with
# --log-format=json and take ghost_definition (the ghost's SHOW CREATE
# TABLE) from its one JSON object on stdout, check that nothing is left on
# the server, then run the same ALTER natively on the table and compare
# the two SHOW CREATE TABLE texts, the table name normalised. AUTO_INCREMENT
# is compared as it is: the ghost takes the table's counter unless the
# ALTER sets one, like a native ALTER keeps it. One server for the whole
# script.
. "$OSC_SRCDIR/tests/e2e/lib.sh"
e2e_init
command -v python3 >/dev/null 2>&1 || skip_or_die "python3 is needed"
start_server primary

CASES=0
MISMATCHES=0

# A backtick-quoted identifier (backticks doubled).
qi() {
	printf '`%s`' "$(printf '%s' "$1" | sed 's/`/``/g')"
}

# sql_raw STATEMENTS: like sql, but values unescaped (real newlines).
sql_raw() {
	"$MYSQL" --no-defaults --socket="$PRIMARY_SOCK" -uroot -N -B --raw \
		-e "$*"
}

# Compare ghost_definition of the dry run's JSON object on stdout with
# the native SHOW CREATE TABLE output in $E2E_DIR/native.raw, the first
# line (which names the table) normalised, and the AUTO_INCREMENT table
# option left out when $SKIP_AUTO_INCREMENT is set. Exit 0 when they are
# equal, 1 with a diff when not, 2 when there is no plan object.
compare_definitions() {
	python3 - "$E2E_DIR/osc.out" "$E2E_DIR/native.raw" \
		"${SKIP_AUTO_INCREMENT:-}" <<'EOF'
import difflib, json, re, sys

def read(path):
    return open(path, encoding="utf-8", errors="surrogateescape").read()

def normalise(text):
    text = re.sub(r"\ACREATE TABLE `(?:[^`]|``)*` \(", "CREATE TABLE `T` (",
                  text)
    if sys.argv[3]:
        head, sep, options = text.rpartition("\n) ")
        text = head + sep + re.sub(r" AUTO_INCREMENT=[0-9]+", "", options)
    return text

ghost = None
for line in read(sys.argv[1]).splitlines():
    if line.startswith("{"):
        obj = json.loads(line)
        if obj.get("type") == "plan":
            ghost = obj.get("ghost_definition")
if ghost is None:
    print("no plan object with ghost_definition on stdout", file=sys.stderr)
    sys.exit(2)
# One row "name<TAB>CREATE TABLE ...".
native = read(sys.argv[2]).split("\t", 1)[1].rstrip("\n")
ghost, native = normalise(ghost), normalise(native)
if ghost == native:
    sys.exit(0)
for line in difflib.unified_diff(native.splitlines(), ghost.splitlines(),
                                 "native ALTER", "dry-run ghost",
                                 lineterm=""):
    print("  " + line, file=sys.stderr)
sys.exit(1)
EOF
}

# check NAME DB TABLE 'COLUMNS AND KEYS' 'ROWS SQL' 'ALTER CLAUSES'
# (ROWS SQL runs after the CREATE, may be empty, and says `T` for the
# table; $OPTS, when set, are the table options of the CREATE.)
check() {
	name=$1 db=$2 t=$3 def=$4 rows=$5 alter=$6
	qt="$(qi "$db").$(qi "$t")"
	CASES=$((CASES + 1))
	e2e_log "$name"
	rows=$(printf '%s' "$rows" |
		sed "s/\`T\`/$(printf '%s' "$qt" | sed 's/[&/\]/\\&/g')/g")
	sql primary "CREATE DATABASE IF NOT EXISTS $(qi "$db");
		DROP TABLE IF EXISTS $qt; CREATE TABLE $qt ($def) ${OPTS:-};
		$rows" || fail "$name: cannot create the table"
	run_osc $(osc_conn primary) --log-format=json --alter "$alter" "$qt"
	if ! expect_status 0; then
		e2e_fail "$name: the dry run failed for: $alter"
		return
	fi
	expect_no_leftovers primary "$db" || e2e_fail "$name: leftovers"
	if ! sql_raw "ALTER TABLE $qt $alter; SHOW CREATE TABLE $qt" \
		>"$E2E_DIR/native.raw"; then
		e2e_fail "$name: the native ALTER failed but the dry run passed"
		return
	fi
	compare_definitions
	case $? in
	0) ;;
	1)
		MISMATCHES=$((MISMATCHES + 1))
		e2e_fail "$name: ghost and native ALTER differ for: $alter"
		;;
	*)
		e2e_fail "$name: no ghost definition"
		show_osc_output
		;;
	esac
}

# The main table: an AUTO_INCREMENT primary key, rows, a secondary key, a
# CHECK constraint, a default of each kind.
MAIN="id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	a INT DEFAULT 0,
	b VARCHAR(32) NOT NULL DEFAULT 'x',
	c DATETIME NULL,
	d DECIMAL(10,2) DEFAULT 1.50,
	e ENUM('red','green','blue') NOT NULL DEFAULT 'green',
	ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
	KEY k_a (a),
	CONSTRAINT ck_d CHECK (d >= 0)"
MAIN_ROWS="INSERT INTO \`T\` (a, b, c, d, e) VALUES
	(1, 'one', '2020-01-01 10:00:00', 1.00, 'red'),
	(2, 'two', NULL, 2.50, 'blue'),
	(3, 'three', '2021-06-30 23:59:59', 0, 'green')"

check add-first d t "$MAIN" "$MAIN_ROWS" \
	"ADD COLUMN f INT NOT NULL DEFAULT 7 FIRST"
check add-after d t "$MAIN" "$MAIN_ROWS" \
	"ADD COLUMN f VARCHAR(10) DEFAULT 'z' AFTER a"
check add-several d t "$MAIN" "$MAIN_ROWS" \
	"ADD COLUMN (f INT, g TEXT), ADD COLUMN h DATE DEFAULT '2020-01-01' AFTER id, ADD COLUMN i BIGINT UNSIGNED NOT NULL"
check add-default-expr d t "$MAIN" "$MAIN_ROWS" \
	"ADD COLUMN u DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3) COMMENT 'it''s \"updated\"'"
check drop-column d t "$MAIN" "$MAIN_ROWS" \
	"DROP COLUMN c"
check drop-indexed-column d t "$MAIN" "$MAIN_ROWS" \
	"DROP COLUMN a"
check modify-move d t "$MAIN" "$MAIN_ROWS" \
	"MODIFY b VARCHAR(64) NOT NULL DEFAULT 'y' AFTER id"
check modify-type d t "$MAIN" "$MAIN_ROWS" \
	"MODIFY COLUMN a BIGINT UNSIGNED, MODIFY e ENUM('red','green','blue','black') NOT NULL DEFAULT 'black'"
check modify-charset d t "$MAIN" "$MAIN_ROWS" \
	"MODIFY b VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT 'x'"
check change-rename-retype d t "$MAIN" "$MAIN_ROWS" \
	"CHANGE a a2 BIGINT NOT NULL DEFAULT 0"
check change-move d t "$MAIN" "$MAIN_ROWS" \
	"CHANGE COLUMN b bb VARCHAR(40) NOT NULL FIRST, CHANGE d d DECIMAL(12,3)"
check rename-column d t "$MAIN" "$MAIN_ROWS" \
	"RENAME COLUMN a TO a_new, RENAME COLUMN c TO c_new"
check set-drop-default d t "$MAIN" "$MAIN_ROWS" \
	"ALTER COLUMN b SET DEFAULT 'q', ALTER COLUMN a DROP DEFAULT, ALTER d SET DEFAULT 2"
check index-add-drop d t "$MAIN" "$MAIN_ROWS" \
	"ADD INDEX k_bc (b(10), c DESC), DROP INDEX k_a, ADD KEY (d, e) COMMENT 'cover'"
check index-replace d t "$MAIN" "$MAIN_ROWS" \
	"DROP KEY k_a, ADD KEY k_a (a, b)"
check add-unique d t "$MAIN" "$MAIN_ROWS" \
	"ADD UNIQUE KEY u_b (b), ADD UNIQUE (a, e)"
check add-fulltext d t "$MAIN" "$MAIN_ROWS" \
	"ADD FULLTEXT KEY ft_b (b)"
check rename-index d t "$MAIN" "$MAIN_ROWS" \
	"RENAME INDEX k_a TO k_a2"
check ignored-index d t "$MAIN" "$MAIN_ROWS" \
	"ALTER INDEX k_a IGNORED"
check add-check d t "$MAIN" "$MAIN_ROWS" \
	"ADD CONSTRAINT ck_a CHECK (a BETWEEN 0 AND 100), ADD CHECK (b <> '')"
check column-check d t "$MAIN" "$MAIN_ROWS" \
	"MODIFY a INT DEFAULT 0 CHECK (a >= 0), ADD COLUMN pct TINYINT CHECK (pct BETWEEN 0 AND 100)"
check drop-check d t "$MAIN" "$MAIN_ROWS" \
	"DROP CONSTRAINT ck_d"
check table-comment d t "$MAIN" "$MAIN_ROWS" \
	"COMMENT='orders, ''quoted'' and \\\\ backslashed'"
check row-format d t "$MAIN" "$MAIN_ROWS" \
	"ROW_FORMAT=COMPACT"
check row-format-compressed d t "$MAIN" "$MAIN_ROWS" \
	"ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8, STATS_PERSISTENT=0"
check engine d t "$MAIN" "$MAIN_ROWS" \
	"ENGINE=InnoDB"
check default-charset d t "$MAIN" "$MAIN_ROWS" \
	"DEFAULT CHARSET=utf8mb4"
check auto-increment d t "$MAIN" "$MAIN_ROWS" \
	"AUTO_INCREMENT=1000"
check convert d t "$MAIN" "$MAIN_ROWS" \
	"CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
check force d t "$MAIN" "$MAIN_ROWS" \
	"FORCE"
check generated-virtual d t "$MAIN" "$MAIN_ROWS" \
	"ADD COLUMN v INT AS (a * 2) VIRTUAL, ADD COLUMN w VARCHAR(40) GENERATED ALWAYS AS (concat(b, '!')) VIRTUAL AFTER b"
check generated-stored d t "$MAIN" "$MAIN_ROWS" \
	"ADD COLUMN s VARCHAR(40) AS (CONCAT(b, '-', e)) STORED, ADD INDEX k_s (s), ADD COLUMN p DECIMAL(12,2) AS (d * 100) PERSISTENT"
check invisible d t "$MAIN" "$MAIN_ROWS" \
	"ADD COLUMN hid INT NOT NULL DEFAULT 5 INVISIBLE AFTER a, MODIFY c DATETIME INVISIBLE"
check exec-comments d t "$MAIN" "$MAIN_ROWS" \
	"ADD COLUMN f INT /*!50700 DEFAULT 3 */, /*M!100300 ADD COLUMN g INT NOT NULL, */ ADD INDEX k_f (f)"
check if-exists d t "$MAIN" "$MAIN_ROWS" \
	"ADD COLUMN IF NOT EXISTS a INT, DROP COLUMN IF EXISTS nosuch, ADD COLUMN IF NOT EXISTS f INT, DROP INDEX IF EXISTS k_nosuch"
check combined d t "$MAIN" "$MAIN_ROWS" \
	"DROP COLUMN ts, CHANGE b name VARCHAR(48) NOT NULL, ADD COLUMN qty SMALLINT UNSIGNED NOT NULL DEFAULT 1 AFTER name, ADD UNIQUE KEY u_name (name), DROP INDEX k_a, ADD INDEX k_a (a, qty), COMMENT 'combined', AUTO_INCREMENT=50"

# The counter is above the largest id (rows deleted at the top): the
# ghost must get it, as a native ALTER keeps it.
check auto-increment-kept d t "$MAIN" "$MAIN_ROWS;
	INSERT INTO \`T\` (b) VALUES ('x4'), ('x5'), ('x6');
	DELETE FROM \`T\` WHERE id > 3" \
	"ADD COLUMN f INT"

# A counter set below the largest id: a native ALTER moves it past the
# ids, the dry run's ghost is empty and shows it as given (2); the copy
# then moves it past the copied ids just the same (InnoDB raises the
# counter on each explicit id; seen with --execute on MariaDB 10.11), so
# the options are compared without it.
SKIP_AUTO_INCREMENT=1
check auto-increment-below-ids d t "$MAIN" "$MAIN_ROWS" \
	"AUTO_INCREMENT=2, ADD COLUMN f INT"
grep -q 'AUTO_INCREMENT=2 ' "$E2E_DIR/osc.out" ||
	e2e_fail "auto-increment-below-ids: the ghost does not show AUTO_INCREMENT=2"
SKIP_AUTO_INCREMENT=

# A composite primary key replaced; the NOT NULL unique key `uk` is the
# shared key.
check primary-key-change d pk "id INT NOT NULL, k VARCHAR(20) NOT NULL,
	seq INT NOT NULL DEFAULT 0, note TEXT,
	PRIMARY KEY (id, seq), UNIQUE KEY uk (k)" \
	"INSERT INTO \`T\` VALUES (1, 'a', 0, 'n1'), (1, 'b', 1, NULL),
	(2, 'c', 0, 'n3')" \
	"DROP PRIMARY KEY, ADD PRIMARY KEY (seq, id, k)"
check primary-key-drop-to-unique d pk "id INT NOT NULL, k VARCHAR(20) NOT NULL,
	seq INT NOT NULL DEFAULT 0, note TEXT,
	PRIMARY KEY (id, seq), UNIQUE KEY uk (k)" \
	"INSERT INTO \`T\` VALUES (1, 'a', 0, 'n1'), (1, 'b', 1, NULL)" \
	"DROP PRIMARY KEY, ADD INDEX k_id (id)"

# SPATIAL needs a NOT NULL geometry column.
check add-spatial d geo "id INT NOT NULL PRIMARY KEY,
	g POINT NOT NULL, area POLYGON NULL" \
	"INSERT INTO \`T\` VALUES (1, ST_PointFromText('POINT(1 2)'), NULL),
	(2, ST_PointFromText('POINT(3 4)'), NULL)" \
	"ADD SPATIAL INDEX sp_g (g)"

# A utf8mb4 table with a column of its own charset, converted back.
OPTS="DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci ROW_FORMAT=DYNAMIC
	COMMENT='utf8 (\"été\")'"
check utf8mb4-table d u "id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
	name VARCHAR(100) NOT NULL, code CHAR(3) CHARACTER SET ascii,
	note TEXT COLLATE utf8mb4_bin" \
	"INSERT INTO \`T\` VALUES (1, 'été', 'FRA', 'x')" \
	"MODIFY name VARCHAR(200) NOT NULL, CONVERT TO CHARACTER SET latin1, COMMENT='latin1'"
OPTS=

# Hostile names: a database and table with spaces, dots and backticks,
# columns and keys with backticks, quotes and unicode.
HOSTILE="\`i d\` INT NOT NULL AUTO_INCREMENT,
	\`we\`\`ird col\` VARCHAR(20) NOT NULL DEFAULT 'a\`b',
	\`sel'ect\` INT,
	\`ключ\` INT,
	PRIMARY KEY (\`i d\`),
	KEY \`k.\`\`x\`\`\` (\`sel'ect\`)"
check hostile-names "d b\`x" "t\`x.y z" "$HOSTILE" \
	"INSERT INTO \`T\` (\`sel'ect\`, \`ключ\`) VALUES (1, 2), (3, 4)" \
	"ADD COLUMN \`new \`\` col\` INT DEFAULT 1 AFTER \`i d\`, CHANGE \`we\`\`ird col\` \`re\`\`named\` VARCHAR(30) NOT NULL DEFAULT 'x', ADD INDEX \`idx \`\`a\`\`\` (\`new \`\` col\`, \`ключ\`), RENAME INDEX \`k.\`\`x\`\`\` TO \`k\"2\`, DROP COLUMN \`sel'ect\`"

e2e_log "$CASES ALTERs compared, $MISMATCHES mismatches"
exit 0
