"""The command line, a thin layer: each command parses its options, calls the library and
formats what it returns (:mod:`~mgiassist.cli.main` holds the ``mgiassist`` group)."""
