# Fuzz targets of binlog/.
