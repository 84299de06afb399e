# Fuzz targets of ddl/.
