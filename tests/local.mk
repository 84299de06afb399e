# tests/: unit tests (cmocka), end-to-end tests (shell against real
# mariadbd servers), helper programs and fuzz targets. Each area keeps its
# own fragment so that owners do not edit the same file.
include $(srcdir)/tests/unit/local.mk
include $(srcdir)/tests/e2e/local.mk
include $(srcdir)/tests/tools/local.mk
include $(srcdir)/tests/fuzz/local.mk
