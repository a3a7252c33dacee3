"""What one execution may spend, enforced while it runs: time, resolved fields, text produced.

The cost model bounds what a query can ask for before it runs; the budget is what stops one that
the model misjudged (or a resolver slower than expected), from inside the execution, and what
ends the work of a client that hung up. The planner and graphql-core's executor spend from it
for every object and field they complete.

:class:`OverBudget` derives from ``BaseException`` on purpose: graphql-core turns every
``Exception`` raised in a resolver into a field error and carries on with the next field (for a
list of a million items, a million errors); this one goes straight up and ends the execution.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from graphql import ExecutionContext


class OverBudget(BaseException):
    """The execution passed one of its budget's limits (or its client went away)."""

    def __init__(self, reason: str, spent: float, limit: float) -> None:
        super().__init__(reason)
        self.reason, self.spent, self.limit = reason, spent, limit


class Budget:
    """One execution's limits and what it has spent. ``cancel()`` may be called from another thread."""

    __slots__ = ("bytes", "cancelled", "deadline", "fields", "max_bytes", "max_fields", "seconds", "set_aside",
                 "started")

    def __init__(self, seconds: float, max_fields: int, max_bytes: int) -> None:
        self.seconds, self.max_fields, self.max_bytes = seconds, max_fields, max_bytes
        self.started = time.monotonic()
        self.deadline = self.started + seconds
        self.fields = self.bytes = 0
        self.set_aside = 0.0
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    @contextlib.contextmanager
    def aside(self) -> Iterator[None]:
        """Time spent inside is not the query's: one-off work a query waits for (the first search of a
        version builds its index, seconds at library scale) moves the deadline by its duration."""
        began = time.monotonic()
        try:
            yield
        finally:
            waited = time.monotonic() - began
            self.deadline += waited
            self.set_aside += waited

    def spend(self, fields: int, text: int = 0) -> None:
        """Count ``fields`` completed and ``text`` characters produced; stop when past a limit."""
        self.fields += fields
        self.bytes += text
        if self.fields > self.max_fields:
            raise OverBudget("fields", self.fields, self.max_fields)
        if self.bytes > self.max_bytes:
            raise OverBudget("bytes", self.bytes, self.max_bytes)
        if self.cancelled:
            raise OverBudget("disconnected", 0, 0)
        now = time.monotonic()
        if now > self.deadline:
            raise OverBudget("seconds", round(now - self.started - self.set_aside, 3), self.seconds)


@contextlib.contextmanager
def aside(budget: Budget | None) -> Iterator[None]:
    """:meth:`Budget.aside` for a request that may have no budget."""
    if budget is None:
        yield
    else:
        with budget.aside():
            yield


class BudgetedExecutionContext(ExecutionContext):
    """graphql-core's executor, spending one field from the request's budget per field it runs."""

    def execute_field(self, parent_type, source, field_nodes, path):  # type: ignore[no-untyped-def]
        budget = getattr(self.context_value, "budget", None)
        if budget is not None:
            budget.spend(1)
        return super().execute_field(parent_type, source, field_nodes, path)
