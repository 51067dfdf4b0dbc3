"""The chat page (Gradio) and its plain-JSON route ``POST /api/ask``: surfaces over the library.

:mod:`~mgiassist.page.core` is the page's library (no Gradio), :mod:`~mgiassist.page.render`
its HTML, :mod:`~mgiassist.page.app` the Gradio blocks (``mgiassist serve``),
:mod:`~mgiassist.page.http_api` the lean JSON route and :mod:`~mgiassist.page.evaluate_tab`
the Evaluate tab.
"""
