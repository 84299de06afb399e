# ddl/ (rank 1, includes util/ only): ALTER parsing, the table model,
# the migration plan (column mapping, shared key, risks, the data checks a
# native ALTER would make) and the SQL text for ghost, copy and replay.
# Pure: it never queries, prints or exits. Public header ddl/ddl.h;
# ddl-internal.h is for this folder only. DESIGN.md 8.
noinst_LIBRARIES += ddl/libddl.a
OSC_MODULE_LIBS += ddl/libddl.a
ddl_libddl_a_SOURCES = \
	ddl/ddl.h ddl/ddl-internal.h \
	ddl/lex.c \
	ddl/parse.c \
	ddl/table.c \
	ddl/plan.c \
	ddl/sql.c \
	ddl/verify.c \
	ddl/trigger.c
# libFuzzer builds instrument the module for coverage too, not only the
# fuzz target (tests/fuzz/ddl.mk). The per-target CFLAGS replace
# AM_CFLAGS, so they are set in both conditions.
if ENABLE_FUZZING
DDL_FUZZ_CFLAGS = -fsanitize=fuzzer-no-link
else
DDL_FUZZ_CFLAGS =
endif
ddl_libddl_a_CFLAGS = $(AM_CFLAGS) $(DDL_FUZZ_CFLAGS)
