# tests/tools/writer (engine owner): the concurrent writer and verifier of
# the exactness tests, and the drivers of the copier and cut-over tests.
check_PROGRAMS += tests/tools/writer
tests_tools_writer_SOURCES = tests/tools/writer.c
tests_tools_writer_LDADD = util/libutil.a $(OSC_EXT_LIBS) -lm

check_PROGRAMS += tests/tools/chunk-copy
tests_tools_chunk_copy_SOURCES = tests/tools/chunk-copy.c
tests_tools_chunk_copy_LDADD = chunker/libchunker.a util/libutil.a $(OSC_EXT_LIBS)

check_PROGRAMS += tests/tools/cutover-driver
tests_tools_cutover_driver_SOURCES = tests/tools/cutover-driver.c
tests_tools_cutover_driver_LDADD = $(OSC_ENGINE_LIBS) binlog/libbinlog.a util/libutil.a $(OSC_EXT_LIBS)
