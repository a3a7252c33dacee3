"""The phone's entry point: buildozer packages this folder and Android runs ``main.py`` in it.

In the APK this folder is the app's root rather than a package named ``mobile``, so it is
registered under that name first; the rest of the code imports ``mobile.*`` as it does on a desktop.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if "mobile" not in sys.modules:
    init = next(p for p in (HERE / "__init__.py", HERE / "__init__.pyc") if p.exists())
    spec = importlib.util.spec_from_file_location("mobile", init, submodule_search_locations=[str(HERE)])
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules["mobile"] = package
    spec.loader.exec_module(package)

from mobile.__main__ import main  # noqa: E402 - after the package exists

if __name__ == "__main__":
    main()
