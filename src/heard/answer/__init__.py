"""Answer: departments, routing of every concern to the department that owns it, cases with
their status and public replies (and their quality), and the public accountability record.

Public surface: the names in ``__all__`` (pinned by tests/unit/test_answer_routing.py).
"""

from __future__ import annotations

from heard.answer.calibration import (
    calibration_report,
    choose_triage_threshold,
    fit_temperature,
    triage_report,
)
from heard.answer.departments import (
    Department,
    load_teddycup_taxonomy,
    parse_departments,
    with_taxonomy_keywords,
)
from heard.answer.presets import teddycup_departments
from heard.answer.router_io import load_router, model_card, open_router, save_router
from heard.answer.routing import (
    Explanation,
    LabelledText,
    Route,
    Router,
    RouterConfig,
    training_set,
)
from heard.answer.features import FeatureConfig
from heard.answer.training_data import read_labelled
from heard.answer.zero_shot import ZeroShotRouter

__all__ = [
    "Department",
    "Explanation",
    "FeatureConfig",
    "LabelledText",
    "Route",
    "Router",
    "RouterConfig",
    "ZeroShotRouter",
    "calibration_report",
    "choose_triage_threshold",
    "fit_temperature",
    "load_router",
    "load_teddycup_taxonomy",
    "model_card",
    "open_router",
    "parse_departments",
    "read_labelled",
    "save_router",
    "teddycup_departments",
    "training_set",
    "triage_report",
    "with_taxonomy_keywords",
]
