"""schemathesis hooks for `make fuzz` and tests/test_api_fuzz.py (loaded by schemathesis through
SCHEMATHESIS_HOOKS, never by Django): valid requests sometimes name real objects.

Random UUIDs only ever reach an operation's 404 or 422. The fuzz runner writes the codes (or
slugs) of seeded objects to the JSON file named by SAMSYN_FUZZ_KNOWN: for path parameters by
the path segment before them (`/arenden/{code}/` → case codes), for query parameters and
top-level body fields by name. Here every other positive (schema-valid) test case gets them,
taken in turn, so the fuzzer also reaches the operations' real answers (the coverage phase
repeats one generated UUID, so a choice by value would not do); negative cases stay as
generated, or an invalid value could be made valid."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

import schemathesis

_known_file = os.environ.get("SAMSYN_FUZZ_KNOWN")
KNOWN: dict[str, dict[str, list[str]]] = (
    json.loads(Path(_known_file).read_text()) if _known_file else {}
)
_turns = itertools.count()  # schemathesis runs with one worker: the order is the seed's


def _known(part: str) -> dict[str, list[str]]:
    return {name: values for name, values in KNOWN.get(part, {}).items() if values}


def _path_values(path: str) -> dict[str, list[str]]:
    segments = [segment for segment in path.split("/") if segment]
    known = _known("path")
    return {
        segment[1:-1]: known[before]
        for before, segment in itertools.pairwise(segments)
        if segment.startswith("{") and segment.endswith("}") and before in known
    }


def _real(values: Any, real: dict[str, list[str]], turn: int) -> None:
    if not isinstance(values, dict):
        return
    for name in values.keys() & real.keys():
        values[name] = real[name][turn % len(real[name])]


@schemathesis.hook
def map_case(context: schemathesis.HookContext, case: Any) -> Any:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return case
    turn = next(_turns)
    if turn % 2:
        return case
    _real(case.path_parameters, _path_values(case.operation.path), turn // 2)
    _real(case.query, _known("query"), turn // 2)
    _real(case.body, _known("body"), turn // 2)
    return case
