"""The chat page (Gradio) and its plain-JSON route ``POST /api/ask``: surfaces over the library.

:mod:`~mgiassist.page.core` is the page's library (no Gradio), :mod:`~mgiassist.page.render`
its HTML, :mod:`~mgiassist.page.app` the Gradio blocks (``mgiassist serve``),
:mod:`~mgiassist.page.http_api` the lean JSON route and :mod:`~mgiassist.page.evaluate_tab`
the Evaluate tab.
"""

import os

# One OpenBLAS thread (unless the user set it): its worker threads spin while waiting, and on a
# small shared machine they take the cores the encoder needs. At 900 profiles under 20 users
# (docs/scale.md) search p50 went 63.8 -> 13.4 ms and CPU per answer 96.7 -> 19.6 ms. Set before
# numpy loads, so it holds for the command line and the page it serves.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
