"""The screens: each a small class (``name.py``) with its layout (``name.kv``), plus shared widgets."""
