# Unit tests of binlog/ (owned with the module).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-binlog
TESTS += tests/unit/test-binlog
tests_unit_test_binlog_SOURCES = tests/unit/test-binlog.c
tests_unit_test_binlog_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_binlog_LDADD = binlog/libbinlog.a util/libutil.a $(OSC_EXT_LIBS) $(UNIT_LIBS)
endif

# Binlog files the unit tests and the fuzz target read.
BINLOG_FIXTURES = \
	tests/fixtures/mysql-binlogs/README.md \
	tests/fixtures/mysql-binlogs/LICENSE-MIT \
	tests/fixtures/mysql-binlogs/binlog-invisible-columns.000001 \
	tests/fixtures/mysql-binlogs/binlog_transaction_with_GTID_TAG.000001 \
	tests/fixtures/mysql-binlogs/json-opaque.binlog \
	tests/fixtures/mysql-binlogs/json.binlog.000001 \
	tests/fixtures/mysql-binlogs/mariadb-bin.000001 \
	tests/fixtures/mysql-binlogs/minimal_row_metadata.000001 \
	tests/fixtures/mysql-binlogs/mysql-enum-string-set.000001 \
	tests/fixtures/mysql-binlogs/mysql_type_bit.000001 \
	tests/fixtures/mysql-binlogs/time_issue.000001 \
	tests/fixtures/mysql-binlogs/transaction_compression.000001 \
	tests/fixtures/mysql-binlogs/update-full-row.binlog \
	tests/fixtures/mysql-binlogs/update-partial-row.binlog \
	tests/fixtures/mysql-binlogs/vector.binlog \
	tests/fixtures/mysql-binlogs/write-full-row.binlog \
	tests/fixtures/mysql-binlogs/write-partial-row.binlog \
	tests/fixtures/mariadb-binlogs/README.md \
	tests/fixtures/mariadb-binlogs/mariadb-types-nolog.000002 \
	tests/fixtures/mariadb-binlogs/mariadb-compressed-full.000003 \
	tests/fixtures/mariadb-binlogs/mariadb-hires.000004 \
	tests/fixtures/mariadb-binlogs/mariadb-query-compressed.000008
EXTRA_DIST += $(BINLOG_FIXTURES)
