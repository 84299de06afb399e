# Unit tests of binlog/ (owned with the module).
