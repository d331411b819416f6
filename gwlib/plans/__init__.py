"""Annual action plans: read the plan's text into tasks (:mod:`gwlib.plans.parse`), with the
responsibility parenthesis (:mod:`gwlib.plans.duties`) and the deadlines and quantitative
targets inside the prose (:mod:`gwlib.plans.terms`)."""

from gwlib.plans.duties import Duties, parse_duties
from gwlib.plans.parse import (
    ParsedPlan,
    ParsedTask,
    parse_plan_file,
    parse_plans,
    plan_text_from_bytes,
    read_plan_text,
)
from gwlib.plans.terms import Target, deadlines, targets

__all__ = [
    "Duties",
    "ParsedPlan",
    "ParsedTask",
    "Target",
    "deadlines",
    "parse_duties",
    "parse_plan_file",
    "parse_plans",
    "plan_text_from_bytes",
    "read_plan_text",
    "targets",
]
