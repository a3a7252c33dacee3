"""Clara's offline reader for phones: a Kivy app over a SQLite copy of the content.

The core (``store``, ``sync``, ``reply``, ``markup``, ``views``, ``i18n``, ``settings``, ``theme``,
``speech``) imports no Kivy, so it can be tested, and reused, without a window.
"""
