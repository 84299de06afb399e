# Unit tests of ddl/ (owned with the module).
