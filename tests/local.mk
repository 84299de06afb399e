# tests/: unit tests (cmocka), end-to-end tests (shell against real
# mariadbd servers), helper programs and fuzz targets. Each area keeps its
# own fragment so that owners do not edit the same file.
include $(srcdir)/tests/unit/local.mk
include $(srcdir)/tests/e2e/local.mk
include $(srcdir)/tests/tools/local.mk
include $(srcdir)/tests/fuzz/local.mk

# The unit and fuzz suites alone, without the end-to-end tests:
# scripts/test runs them again in a build with --enable-asan
# --enable-ubsan (issue 12 item 7), where a sanitizer finding fails the
# test that meets it (UBSan does not recover, ASan aborts).
check-unit:
	$(MAKE) $(AM_MAKEFLAGS) check \
		TESTS="$(filter tests/unit/% tests/fuzz/%,$(TESTS))"
.PHONY: check-unit
