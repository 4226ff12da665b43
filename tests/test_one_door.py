"""Invariant 1: views, exports and PDFs never read case data themselves.

They get view objects from `cases.selectors`, which decide every item through
`consent.policy`. This test reads the source: a view module that imports the personal-data
models (or queries them) fails it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "samsyn"
PERSONAL_DATA_MODELS = {"Youth", "Guardian", "JournalNote", "Consent", "ConsentGiver", "CaseMember"}
# Modules that present data to people: they must go through selectors and the policy.
PRESENTING = ["views.py", "pdf.py", "forms.py"]
PERSONAL_DATA_MODELS |= {"RiskAssessment", "Measurement", "MeasurementScore"}
PERSONAL_DATA_MODELS |= {
    "CaseTransition",
    "Referral",
    "InformationGiven",
    "SigDecision",
    "CaseProfile",
    "OutcomeCount",
    "Closure",
    "FollowUp",
}
PRESENTING += ["instrument_views.py"]
PERSONAL_DATA_MODELS |= {
    "ActionPlan",
    "PlanVersion",
    "SubGoal",
    "Activity",
    "GoalReview",
    "Intervention",
}
PERSONAL_DATA_MODELS |= {"Meeting", "Attendance"}
# The portal's view modules present data to youths, guardians and feedback recipients.
PRESENTING += [
    "access_views.py",
    "content_views.py",
    "staff_views.py",
    "voice_views.py",
    "feedback_views.py",
    "evaluation_views.py",
    "access_forms.py",
    "content_forms.py",
    "voice_forms.py",
]
PERSONAL_DATA_MODELS |= {"PortalAccount", "Feedback", "Evaluation", "GuardianShare"}
PRESENTING += ["case_views.py", "charts.py"]


def _imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in {
            "samsyn.cases.models",
            "samsyn.consent.models",
        }:
            names |= {alias.name for alias in node.names}
    return names


def _objects_queries(path: Path) -> list[str]:
    """`Model.objects` uses of the personal-data models in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "objects"
            and isinstance(node.value, ast.Name)
            and node.value.id in PERSONAL_DATA_MODELS
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.objects")
    return found


def test_presenting_modules_do_not_query_personal_data_models():
    offenders: list[str] = []
    for name in PRESENTING:
        for path in ROOT.rglob(name):
            offenders += _objects_queries(path)
    assert offenders == [], (
        "read case data through cases.selectors / consent.policy:\n" + "\n".join(offenders)
    )


def test_views_do_not_import_the_youth_or_notes():
    offenders = []
    for path in ROOT.rglob("*views.py"):
        leaked = _imported_names(path) & {"Youth", "Guardian", "JournalNote"}
        if leaked:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(leaked)}")
    assert offenders == []
