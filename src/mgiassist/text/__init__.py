"""Stage 0, language: the pieces every later stage reads text with.

One tokenizer and stopword list (:mod:`~mgiassist.text.lexical`), sentence spans and footnote
marks (:mod:`~mgiassist.text.sentences`), symbols spelled as words (:mod:`~mgiassist.text.symbols`),
spelling correction (:mod:`~mgiassist.text.spelling`), acronyms (:mod:`~mgiassist.text.acronyms`)
and country names (:mod:`~mgiassist.text.countries`). Nothing here imports another stage.
"""
