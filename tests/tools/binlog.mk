# tests/tools/binlog-print (binlog/ owner): decoded events of a file or a
# server's stream, and the SQL that replays one table's rows (t3001).
check_PROGRAMS += tests/tools/binlog-print
tests_tools_binlog_print_SOURCES = tests/tools/binlog-print.c
tests_tools_binlog_print_LDADD = binlog/libbinlog.a util/libutil.a $(OSC_EXT_LIBS)
