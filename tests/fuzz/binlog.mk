# Fuzz targets of binlog/. With --enable-fuzzing (CC=clang) fuzz-binlog is
# a libFuzzer target built from the decoder's sources with the fuzzer's
# instrumentation; otherwise it replays the fixtures and
# tests/fuzz/corpus-binlog and mutates them for a few seconds under
# make check.
BINLOG_FUZZ_CORPUS = \
	tests/fuzz/corpus-binlog/README \
	tests/fuzz/corpus-binlog/rows-without-columns.binlog
EXTRA_DIST += $(BINLOG_FUZZ_CORPUS)

if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-binlog
tests_fuzz_fuzz_binlog_SOURCES = tests/fuzz/fuzz-binlog.c \
	binlog/decode.c binlog/values.c binlog/json.c binlog/sql.c \
	binlog/file.c
tests_fuzz_fuzz_binlog_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer -DOSC_LIBFUZZER
tests_fuzz_fuzz_binlog_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_binlog_LDADD = util/libutil.a $(OSC_EXT_LIBS)
else
check_PROGRAMS += tests/fuzz/fuzz-binlog
TESTS += tests/fuzz/fuzz-binlog
tests_fuzz_fuzz_binlog_SOURCES = tests/fuzz/fuzz-binlog.c
# per-target flags exist in the other branch: name AM_* here explicitly
tests_fuzz_fuzz_binlog_CFLAGS = $(AM_CFLAGS)
tests_fuzz_fuzz_binlog_LDFLAGS = $(AM_LDFLAGS)
tests_fuzz_fuzz_binlog_LDADD = binlog/libbinlog.a util/libutil.a $(OSC_EXT_LIBS)
endif
