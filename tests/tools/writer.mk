# tests/tools/writer (engine owner): the concurrent writer and verifier of
# the exactness tests, and the drivers of the copier and cut-over tests.
check_PROGRAMS += tests/tools/writer
tests_tools_writer_SOURCES = tests/tools/writer.c
tests_tools_writer_LDADD = util/libutil.a $(OSC_EXT_LIBS) -lm
