"""Search's rules, shared by the server and the phone so that a query finds the same things on both.

``words`` splits and folds a query and gives each word its stem; ``spelling`` finds the
vocabulary words a misspelled word was meant to be; ``synonyms`` rewrites a patient's lay words
into the content's own; ``index`` holds a language's postings and matches a query word against
its vocabulary (exact, word form, prefix, typo, in that order of weight); ``ranking`` finds the
best entries. Nothing here knows where the entries come from: the server indexes its content
model (:mod:`api.search`), the phone the screens it stored (:mod:`mobile.search`).
"""
