# Fuzz targets of ddl/: the ALTER parser, the SHOW CREATE TABLE parser, the
# planner and the SQL builders (tests/fuzz/fuzz-ddl.c).
check_PROGRAMS += tests/fuzz/fuzz-ddl
tests_fuzz_fuzz_ddl_SOURCES = tests/fuzz/fuzz-ddl.c
tests_fuzz_fuzz_ddl_LDADD = ddl/libddl.a util/libutil.a $(OSC_EXT_LIBS)
if ENABLE_FUZZING
tests_fuzz_fuzz_ddl_CFLAGS = $(AM_CFLAGS) -DOSC_LIBFUZZER -fsanitize=fuzzer
tests_fuzz_fuzz_ddl_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
else
TESTS += tests/fuzz/fuzz-ddl
endif
EXTRA_DIST += tests/fuzz/corpus-ddl
