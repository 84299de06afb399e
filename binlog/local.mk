# binlog/ (rank 1, includes util/ only): the binlog stream (stream.c, the
# only file using the client library's binlog API), the server's binlog
# position for every server version (position.c), the pure event decoder
# and the value codecs the applier uses. Public header binlog/binlog.h;
# binlog-internal.h is for this folder only. DESIGN.md 8.
noinst_LIBRARIES += binlog/libbinlog.a
OSC_MODULE_LIBS += binlog/libbinlog.a
binlog_libbinlog_a_SOURCES = \
	binlog/binlog.h binlog/binlog-internal.h \
	binlog/decode.c binlog/values.c binlog/json.c binlog/text.c binlog/sql.c \
	binlog/file.c binlog/schema.c binlog/stream.c binlog/position.c
