"""What screen readers get: an accessibility tree of each screen, and the adapters that publish it.

``tree`` is the plain model (no Kivy); ``widgets`` builds it from the widgets on screen;
``keyboard`` moves focus along it; ``desktop`` publishes it through AccessKit, ``android`` through
the Java bridge in ``mobile/android``.
"""
