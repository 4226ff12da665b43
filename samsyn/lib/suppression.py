"""Small-count suppression for aggregate reports (styrgrupp/analytiker see no individuals).

A count between 1 and `threshold - 1` could point to a person ("one boy in Norra answered
1"), so it is not shown. Hiding it is not enough: when the total is shown, the total minus
the shown cells gives the hidden cell back (the differencing attack). So more cells are
hidden, *complementary suppression*, until nothing hidden can be worked out from what is
shown.

How a hidden value reads: "<5" (the threshold in the text) when it is below the threshold,
"x" when it is a larger value hidden only to protect a small one. Both are true statements;
the page explains them.

Rules for one row of cells with its total (`suppress_row`):

1. Total 0: everything is shown (0 says nothing about anybody).
2. Total 1 … threshold - 1: everything is hidden, the total and every cell, zeros too: with
   a small total even "0 of 3" tells something about the three ("none of them agreed").
3. Otherwise the total is shown, and a cell of 1 … threshold - 1 is hidden (*primary*).
   When a row hides anything, its zeros are hidden too ("<5" is true of 0), so a hidden
   cell may be any number from 0 up: nobody can argue "two hidden cells add up to 2, and
   neither is 0, so each is 1".
4. Then, while fewer than two cells are hidden, or the hidden cells add up to less than the
   threshold, or every hidden cell is exactly threshold - 1 (two hidden cells below 5 that
   add up to 8 are both 4), the smallest shown cell is hidden as well (*complementary*;
   the leftmost on ties). With two or more hidden cells the total minus the shown cells
   gives only their sum, never one of them; and that sum is itself never a small count.
   Should every cell be hidden and the row still be exposed (4 + 4), the total is hidden.

Zeros are therefore shown only in rows that hide nothing.

Tables (`suppress_table`: rows of cells with row totals, column totals and a grand total)
follow the same idea along every row and every column, and then close one more gap: a set of
hidden cells can be solved from several rows and columns together even when each line hides
two. In the graph whose vertices are the lines and whose edges are the hidden values, a
hidden value can be solved exactly when its edge is a bridge (it lies on no cycle); each
bridge is closed by hiding one more shown value that completes a cycle through it. Zeros are
shown in tables (hiding them would spread along every column), so hidden values along a line
may add up to 0 as well as to the threshold or more; the guarantee there is the exact one: no
hidden value follows from the shown values by adding and subtracting lines.

What this does not defend against: somebody who knows this algorithm and tries every
possible table may sometimes narrow a hidden value down (official statistics accept the
same of their own suppression), and numbers from *another* report over the same people.
Keep figures that cut the same people differently on one page, decided together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

THRESHOLD = 5


def threshold() -> int:
    """The threshold in force: the setting SAMSYN_SUPPRESSION_THRESHOLD, else `THRESHOLD`."""
    return int(getattr(settings, "SAMSYN_SUPPRESSION_THRESHOLD", THRESHOLD))


COMPLEMENT_TEXT = "x"


def hidden_text(limit: int | None = None) -> str:
    """How a hidden count below the threshold reads: "<5"."""
    return f"<{limit or threshold()}"


def _hidden_label(value: int, limit: int) -> str:
    return hidden_text(limit) if value < limit else COMPLEMENT_TEXT


@dataclass(frozen=True)
class SuppressedRow:
    """What to show for a row: every value as text ("12", "0", "<5" or "x"), and which are
    hidden."""

    cells: list[str]
    total: str
    hidden: frozenset[int]
    total_hidden: bool

    @property
    def anything_hidden(self) -> bool:
        return bool(self.hidden) or self.total_hidden


def suppress_row(
    cells: Sequence[int], total: int | None = None, *, limit: int | None = None
) -> SuppressedRow:
    """The row as it may be shown (see the module's rules). `total` defaults to the sum of the
    cells; when given it must equal that sum (a total that counted something else would be a
    hidden cell nobody protects)."""
    limit = limit or threshold()
    values = [int(c) for c in cells]
    if any(v < 0 for v in values):
        raise ValueError("counts cannot be negative")
    whole = sum(values)
    if total is not None and total != whole:
        raise ValueError(f"the total {total} is not the sum of the cells {whole}")
    text = hidden_text(limit)
    if whole == 0:
        return SuppressedRow([str(v) for v in values], "0", frozenset(), False)
    if whole < limit:
        return SuppressedRow([text] * len(values), text, frozenset(range(len(values))), True)
    hidden = {i for i, v in enumerate(values) if 0 < v < limit}
    total_hidden = False
    if hidden:
        hidden |= {i for i, v in enumerate(values) if v == 0}

        def exposed() -> bool:
            return (
                len(hidden) < 2
                or sum(values[i] for i in hidden) < limit
                or all(values[i] == limit - 1 for i in hidden)
            )

        while exposed():
            shown = [i for i in range(len(values)) if i not in hidden]
            if not shown:
                # Every cell is hidden and still exposed (all of them 4): hide the total too.
                total_hidden = True
                break
            hidden.add(min(shown, key=lambda i: (values[i], i)))
    return SuppressedRow(
        [_hidden_label(v, limit) if i in hidden else str(v) for i, v in enumerate(values)],
        _hidden_label(whole, limit) if total_hidden else str(whole),
        frozenset(hidden),
        total_hidden,
    )


@dataclass(frozen=True)
class SuppressedTable:
    """What to show for a table: cells, row totals, column totals and the grand total as text."""

    cells: list[list[str]]
    row_totals: list[str]
    column_totals: list[str]
    total: str
    hidden_cells: frozenset[tuple[int, int]]
    hidden_row_totals: frozenset[int]
    hidden_column_totals: frozenset[int]

    def row_complete(self, i: int) -> bool:
        """Row `i` hides nothing, so figures computed from it (a share, a mean) may be shown."""
        return i not in self.hidden_row_totals and all(
            (i, j) not in self.hidden_cells for j in range(len(self.column_totals))
        )

    @property
    def totals_complete(self) -> bool:
        """The column totals hide nothing."""
        return not self.hidden_column_totals and not self.total.startswith("<")


# Vertices of the line graph: ("r", i) row i, ("c", j) column j, ("R", 0) the row of column
# totals, ("C", 0) the column of row totals. Every value is an edge between a row-like and a
# column-like vertex: cell (i, j) joins ("r", i)–("c", j), column total j ("R", 0)–("c", j),
# row total i ("r", i)–("C", 0), the grand total ("R", 0)–("C", 0). Edges are named
# ("cell", i, j), ("rowtotal", i, 0), ("coltotal", j, 0) and ("total", 0, 0).
_Vertex = tuple[str, int]
_Edge = tuple[str, int, int]


def _ends(edge: _Edge) -> tuple[_Vertex, _Vertex]:
    kind, a, b = edge
    if kind == "cell":
        return ("r", a), ("c", b)
    if kind == "rowtotal":
        return ("r", a), ("C", 0)
    if kind == "coltotal":
        return ("R", 0), ("c", a)
    return ("R", 0), ("C", 0)


def _bridges(edges: set[_Edge]) -> list[_Edge]:
    """The edges that lie on no cycle of the multigraph `edges` (Tarjan, iteratively)."""
    adjacency: dict[_Vertex, list[tuple[_Vertex, _Edge]]] = {}
    for edge in sorted(edges):
        u, v = _ends(edge)
        adjacency.setdefault(u, []).append((v, edge))
        adjacency.setdefault(v, []).append((u, edge))
    order: dict[_Vertex, int] = {}
    low: dict[_Vertex, int] = {}
    found: list[_Edge] = []
    for root in sorted(adjacency):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[_Vertex, _Edge | None, int]] = [(root, None, 0)]
        while stack:
            vertex, via, index = stack[-1]
            if index < len(adjacency[vertex]):
                stack[-1] = (vertex, via, index + 1)
                neighbour, edge = adjacency[vertex][index]
                if edge == via:
                    continue
                if neighbour in order:
                    low[vertex] = min(low[vertex], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, edge, 0))
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[vertex])
                    if low[vertex] > order[parent] and via is not None:
                        found.append(via)
    return found


def _component(edges: set[_Edge], start: _Vertex) -> set[_Vertex]:
    seen = {start}
    todo = [start]
    while todo:
        vertex = todo.pop()
        for edge in edges:
            u, v = _ends(edge)
            for a, b in ((u, v), (v, u)):
                if a == vertex and b not in seen:
                    seen.add(b)
                    todo.append(b)
    return seen


def suppress_table(
    rows: Sequence[Sequence[int]],
    *,
    limit: int | None = None,
    hide_rows: Sequence[int] = (),
    fixed_row_totals: bool = False,
) -> SuppressedTable:
    """The table as it may be shown: the module's rules along every row and column, then no
    hidden value that several lines together would give back (no bridge).

    `hide_rows`: rows to hide whole, row total included (a group already hidden elsewhere on
    the page). `fixed_row_totals`: the row totals are shown elsewhere on the page as decided
    there (hidden exactly for `hide_rows`); they are then never hidden here, so that two
    tables over the same groups show the same totals.
    """
    limit = limit or threshold()
    values = [[int(c) for c in row] for row in rows]
    if not values or not values[0]:
        raise ValueError("a table needs at least one row and one column")
    width = len(values[0])
    if any(len(row) != width for row in values) or any(v < 0 for row in values for v in row):
        raise ValueError("rows must be equally long and hold counts")
    row_totals = [sum(row) for row in values]
    column_totals = [sum(row[j] for row in values) for j in range(width)]
    grand = sum(row_totals)
    value_of: dict[_Edge, int] = {("total", 0, 0): grand}
    for i, row in enumerate(values):
        value_of[("rowtotal", i, 0)] = row_totals[i]
        for j, v in enumerate(row):
            value_of[("cell", i, j)] = v
    for j, v in enumerate(column_totals):
        value_of[("coltotal", j, 0)] = v

    if 0 < grand < limit:
        hidden = set(value_of)
    elif grand == 0:
        hidden = set()
    else:
        hidden = {e for e, v in value_of.items() if 0 < v < limit and e[0] != "total"}
        for i in hide_rows:
            hidden.add(("rowtotal", i, 0))
            hidden |= {("cell", i, j) for j in range(width)}
        if fixed_row_totals:
            hidden -= {("rowtotal", i, 0) for i in range(len(values)) if i not in hide_rows}
        _complete(hidden, value_of, limit, fixed_row_totals, set(hide_rows))

    def shown(edge: _Edge) -> str:
        value = value_of[edge]
        return _hidden_label(value, limit) if edge in hidden else str(value)

    return SuppressedTable(
        cells=[[shown(("cell", i, j)) for j in range(width)] for i in range(len(values))],
        row_totals=[shown(("rowtotal", i, 0)) for i in range(len(values))],
        column_totals=[shown(("coltotal", j, 0)) for j in range(width)],
        total=shown(("total", 0, 0)),
        hidden_cells=frozenset((e[1], e[2]) for e in hidden if e[0] == "cell"),
        hidden_row_totals=frozenset(e[1] for e in hidden if e[0] == "rowtotal"),
        hidden_column_totals=frozenset(e[1] for e in hidden if e[0] == "coltotal"),
    )


def _complete(
    hidden: set[_Edge],
    value_of: dict[_Edge, int],
    limit: int,
    fixed_row_totals: bool,
    hide_rows: set[int],
) -> None:
    """Hide more (in place) until every line is protected and no hidden value is a bridge."""

    def may_hide(edge: _Edge) -> bool:
        if edge in hidden or edge[0] == "total":
            return False
        return not (fixed_row_totals and edge[0] == "rowtotal" and edge[1] not in hide_rows)

    lines: dict[_Vertex, list[_Edge]] = {}
    for edge in value_of:
        for vertex in _ends(edge):
            lines.setdefault(vertex, []).append(edge)
    changed = True
    while changed:
        changed = False
        for vertex, edges in lines.items():
            own_total = _total_of(vertex)
            while True:
                inside = [e for e in edges if e in hidden]
                if not inside:
                    break
                # What the shown values of the line give away is the sum of its hidden ones.
                hidden_sum = sum(value_of[e] for e in inside if e != own_total)
                if len(inside) >= 2 and (
                    own_total in hidden or hidden_sum == 0 or hidden_sum >= limit
                ):
                    break
                candidates = [e for e in edges if may_hide(e)]
                if 0 < hidden_sum < limit:
                    # The hidden ones add up to a small count: another zero would not help.
                    candidates = [e for e in candidates if value_of[e] > 0] or candidates
                if not candidates:
                    break
                hidden.add(min(candidates, key=lambda e: (value_of[e], e)))
                changed = True
        for bridge in _bridges(hidden):
            rest = hidden - {bridge}
            u, v = _ends(bridge)
            side_u, side_v = _component(rest, u), _component(rest, v)
            if v in side_u:
                continue
            closing = [
                e
                for e in value_of
                if may_hide(e)
                and {_ends(e)[0] in side_u, _ends(e)[1] in side_u} == {True, False}
                and (_ends(e)[0] in side_v or _ends(e)[1] in side_v)
            ]
            if closing:
                hidden.add(min(closing, key=lambda e: (value_of[e], e)))
                changed = True
                break
    if _bridges(hidden):
        # Nothing closes the gap (a table of one column): hide everything that may be hidden.
        hidden |= {e for e in value_of if may_hide(e)}


def _total_of(vertex: _Vertex) -> _Edge:
    """The value a line adds up to."""
    if vertex[0] == "r":
        return ("rowtotal", vertex[1], 0)
    if vertex[0] == "c":
        return ("coltotal", vertex[1], 0)
    return ("total", 0, 0)
