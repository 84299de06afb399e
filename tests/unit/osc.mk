# Unit tests of osc/ (owned with the module).
