"""The command line, a thin layer: each command parses its options, calls the library and
formats what it returns (:mod:`~mgiassist.cli.main` holds the ``mgiassist`` group)."""

import os

# One OpenBLAS thread (unless the user set it): its worker threads spin while waiting, and on a
# small shared machine they take the cores the encoder needs. At 900 profiles under 20 users
# (docs/scale.md) search p50 went 63.8 -> 13.4 ms and CPU per answer 96.7 -> 19.6 ms. Set before
# numpy loads, so it holds for the command line and the page it serves.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
