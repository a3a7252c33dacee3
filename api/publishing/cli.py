"""``publish``, ``rollback``, ``publications``, ``deliveries`` and ``secret``: the editor's commands.

Every problem is one line on standard error and a non-zero exit status; a refused draft leaves
the live file, the served version and the receivers untouched (nothing is written before the
draft has been validated completely).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from pathlib import Path

import httpx

from api.content.publications import PublicationLog
from api.content.releases import Outcome, PublishError, Releases
from api.publishing.webhooks import new_secret, send
from api.settings import from_env, redact

COMMANDS = {"publish", "rollback", "publications", "deliveries", "secret"}


def _who(given: str | None) -> str:
    if given:
        return given
    try:
        return os.environ.get("USER") or getpass.getuser()
    except Exception:  # no user name in this environment
        return "unknown"


def _print_outcome(outcome: Outcome, live: Path, verb: str) -> None:
    for line in outcome.changes.lines():
        print(f"  {line}")
    if outcome.publication is None:
        print(f"{live}: unchanged (the draft is the version already live); nothing {verb}")
        return
    p = outcome.publication
    print(f"{live}: {verb} version {p.version} (was {p.previous}) as publication {p.seq}, by {p.by}; "
          f"servers watching the file serve it within seconds; webhook {p.webhook_id}")


def _publish(args: argparse.Namespace, live: Path) -> int:
    try:
        draft = Path(args.draft).read_bytes()
    except OSError as exc:
        print(f"{args.draft}: cannot read it: {exc.strerror}", file=sys.stderr)
        return 1
    releases = Releases(live)
    try:
        if args.dry_run:
            changes = releases.preview(draft)
            for line in changes.lines():
                print(f"  {line}")
            print(f"{args.draft}: valid; not published (--dry-run)")
            return 0
        outcome = releases.publish(draft, _who(args.by))
    except PublishError as exc:
        print(f"{args.draft}: refused, {live} is unchanged: {exc}", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    _print_outcome(outcome, live, "published")
    return 0


def _rollback(args: argparse.Namespace, live: Path) -> int:
    try:
        outcome = Releases(live).rollback(_who(args.by))
    except PublishError as exc:
        print(f"rollback refused, {live} is unchanged: {exc}", file=sys.stderr)
        return 1
    _print_outcome(outcome, live, "rolled back to")
    return 0


def _publications(args: argparse.Namespace, live: Path) -> int:
    found = Releases(live).log.publications(min(args.first, 1_000))
    print(json.dumps([{**p.as_dict(), "by": p.by} for p in found], indent=2, ensure_ascii=False))
    return 0


def _deliveries(args: argparse.Namespace, live: Path) -> int:
    log = Releases(live).log
    if args.replay:
        return _replay(log, args.replay)
    for delivery, tries in log.deliveries(min(args.first, 1_000)):
        when = "" if delivery.state != "pending" else \
            f", next try {time.strftime('%H:%M:%S', time.localtime(delivery.next_at))}"
        print(f"{delivery.webhook_id} {redact(delivery.url)}: {delivery.state} after {delivery.tries} tries{when}")
        for t in tries:
            answer = t.error or (str(t.status) if t.status is not None else "no answer")  # a failure says why
            print(f"    {t.at} {answer} in {t.milliseconds:.0f} ms{' (replay)' if t.replay else ''}")
    return 0


def _replay(log: PublicationLog, webhook_id: str) -> int:
    """Send one event again, now, to the receivers it was delivered to (or, if none, those configured),
    with its own ``webhook-id`` and bytes; each try is logged as a replay."""
    settings = from_env()
    publication = log.publication(webhook_id)
    if publication is None:
        print(f"no event {webhook_id!r} in {log.path}", file=sys.stderr)
        return 1
    if not settings.webhooks.secret:
        print("WEBHOOK_SECRET is not set: a replay must be signed like the first try", file=sys.stderr)
        return 1
    known = {d.url: d for d in log.delivery(webhook_id)}
    urls = list(known) or settings.webhooks.urls
    if not urls:
        print(f"{webhook_id}: no receiver (it had no delivery and WEBHOOK_URLS is empty)", file=sys.stderr)
        return 1
    status = 0
    with httpx.Client() as client:
        for url in urls:
            answer = send(client, url, settings.webhooks.secret, webhook_id, publication.body,
                          settings.webhooks.timeout_seconds)
            if url in known:  # a replay leaves the delivery's schedule as it was (see record_try)
                log.record_try(known[url], answer.status, answer.error, answer.milliseconds, None, replay=True)
            print(f"{webhook_id} {redact(url)}: {answer.status if answer.status is not None else answer.error}")
            status = status or (0 if answer.ok else 1)
    return status


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.content")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in sorted(COMMANDS):
        command = commands.add_parser(name)
        if name != "secret":
            command.add_argument("--to", help="the live file (default: CONTENT_PATH)")
        if name == "publish":
            command.add_argument("draft")
            command.add_argument("--dry-run", action="store_true", help="validate and show the changes only")
        if name in {"publish", "rollback"}:
            command.add_argument("--by", help="who publishes (default: $USER)")
        if name in {"publications", "deliveries"}:
            command.add_argument("--first", type=int, default=20)
        if name == "deliveries":
            command.add_argument("--replay", metavar="WEBHOOK_ID", help="send this event again, now")
    args = parser.parse_args(argv)
    if args.command == "secret":
        print(new_secret())
        return 0
    live = Path(args.to) if args.to else from_env().content_path
    handlers = {"publish": _publish, "rollback": _rollback, "publications": _publications,
                "deliveries": _deliveries}
    return handlers[args.command](args, live)
