# tests/tools/binlog-print (binlog/ owner).
