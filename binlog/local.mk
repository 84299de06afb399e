# binlog/: the binlog stream (stream.c, the only file using the client
# library's binlog API), the pure event decoder and the value-to-SQL
# conversion the applier uses. See binlog/binlog.h.
noinst_LIBRARIES += binlog/libbinlog.a
OSC_MODULE_LIBS += binlog/libbinlog.a
binlog_libbinlog_a_SOURCES = \
	binlog/binlog.h binlog/binlog-internal.h \
	binlog/decode.c binlog/values.c binlog/json.c binlog/text.c binlog/sql.c \
	binlog/file.c binlog/schema.c binlog/stream.c binlog/position.c
