# Fuzz targets of ddl/: the ALTER parser, the SHOW CREATE TABLE parser, the
# planner and the SQL builders (tests/fuzz/fuzz-ddl.c). Per-target flags
# replace AM_CFLAGS/AM_LDFLAGS, so they are set in both conditions.
check_PROGRAMS += tests/fuzz/fuzz-ddl
tests_fuzz_fuzz_ddl_SOURCES = tests/fuzz/fuzz-ddl.c
tests_fuzz_fuzz_ddl_LDADD = ddl/libddl.a util/libutil.a $(OSC_EXT_LIBS)
if ENABLE_FUZZING
DDL_FUZZ_TARGET_CF = -DOSC_LIBFUZZER -fsanitize=fuzzer
DDL_FUZZ_TARGET_LF = -fsanitize=fuzzer
else
DDL_FUZZ_TARGET_CF =
DDL_FUZZ_TARGET_LF =
TESTS += tests/fuzz/fuzz-ddl
endif
tests_fuzz_fuzz_ddl_CFLAGS = $(AM_CFLAGS) $(DDL_FUZZ_TARGET_CF)
tests_fuzz_fuzz_ddl_LDFLAGS = $(AM_LDFLAGS) $(DDL_FUZZ_TARGET_LF)
EXTRA_DIST += tests/fuzz/corpus-ddl
