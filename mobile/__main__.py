"""``python -m mobile``: run the reader (a desktop window here; the same code is the phone app).

    python -m mobile [--api URL] [--data-dir DIR]
    python -m mobile --screenshots DIR [--api URL] [--data-dir DIR] [--locale en|es]
                     [--font-scale 1..2] [--contrast normal|high]

``API_URL`` in the environment sets the API when ``--api`` is not given.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

PHONE_SIZE = (400, 800)  # a phone-like window on a desktop, in pixels at density 1 (so about dp)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from mobile.sync import api_url_from_env

    parser = argparse.ArgumentParser(prog="python -m mobile", description="Clara, the offline reader.")
    parser.add_argument("--api", default=api_url_from_env(), help="the API's base URL (default: $API_URL)")
    parser.add_argument("--data-dir", type=Path, help="where the content and settings are kept")
    parser.add_argument("--screenshots", type=Path, metavar="DIR", help="save a PNG of every screen and quit")
    parser.add_argument("--locale", help="show this language (skips nothing: the choice screen is shot first)")
    parser.add_argument("--font-scale", type=float, help="text size, 1 (100%%) to 2 (200%%)")
    parser.add_argument("--contrast", choices=["normal", "high"], help="colour theme")
    parser.add_argument("--no-sync", action="store_true", help="do not contact the API")
    args = parser.parse_args(argv)
    if args.font_scale is not None and not 1 <= args.font_scale <= 2:
        parser.error("--font-scale must be between 1 and 2")
    return args


def configure_kivy(size: tuple[int, int] = PHONE_SIZE) -> None:
    """Settings Kivy must have before its window exists."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    if sys.platform.startswith("linux") and "ANDROID_ARGUMENT" not in os.environ:
        os.environ.setdefault("KIVY_CLIPBOARD", "sdl2,dummy")  # not xsel/xclip, often missing
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")  # Escape means Back; it never closes the reader
    Config.set("input", "mouse", "mouse,disable_multitouch")
    from kivy.utils import platform

    if platform not in ("android", "ios"):
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_kivy()
    from mobile.app import ClaraApp, Options

    options = Options(
        api_url=args.api, data_dir=args.data_dir, locale=args.locale, font_scale=args.font_scale,
        high_contrast=None if args.contrast is None else args.contrast == "high",
        screenshots=args.screenshots, sync=not args.no_sync,
    )
    app = ClaraApp(options)
    app.run()
    return getattr(app, "exit_code", 0)


if __name__ == "__main__":
    sys.exit(main())
