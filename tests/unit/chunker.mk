# Unit tests of chunker/ (owned with the module).
