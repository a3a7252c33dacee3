"""Benchmarks: ours side by side with the alternatives, cost as content grows, scale-out, the phone.

``python -m bench`` (``make bench``) runs them and writes ``bench/results.json``; see
``bench/__main__.py`` for the modes. Servers run as real processes pinned to CPU 0, load comes
from Debian's wrk pinned to CPU 1; every claim is a ratio measured within one run.
"""
