# ddl/: ALTER parsing, the table model, the plan and the SQL text (pure).
noinst_LIBRARIES += ddl/libddl.a
OSC_MODULE_LIBS += ddl/libddl.a
ddl_libddl_a_SOURCES = \
	ddl/ddl.h ddl/ddl-internal.h \
	ddl/lex.c \
	ddl/parse.c \
	ddl/table.c \
	ddl/plan.c \
	ddl/sql.c \
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
