# Helper programs for the tests.
include $(srcdir)/tests/tools/binlog.mk
include $(srcdir)/tests/tools/writer.mk
include $(srcdir)/tests/tools/ops.mk
