"""Package-level promises: the public names, and no streamlit in the domain library."""

from __future__ import annotations

import ast
from pathlib import Path

import gwlib

GWLIB = Path(gwlib.__file__).parent

EXPECTED = {
    "AbandonedWell",
    "ActionPlan",
    "AquiferMedium",
    "Assessment",
    "Burial",
    "DrinkingSource",
    "FrequencyRule",
    "GwlibError",
    "Indicator",
    "IndicatorError",
    "InputError",
    "Issue",
    "LegalStatus",
    "Measurement",
    "MeasurementBatch",
    "MonitoringPoint",
    "NonDetectPolicy",
    "Period",
    "PlanTask",
    "PlanType",
    "PointCategory",
    "PointStatus",
    "PollutionCategory",
    "PollutionSource",
    "QualityClass",
    "RawTable",
    "Sample",
    "SourceScale",
    "SourceType",
    "StandardDataError",
    "StandardSet",
    "Store",
    "StoreError",
    "UnitError",
    "ValidationError",
    "ValueFormatError",
    "ValueToken",
    "WellCategory",
    "WellStatus",
    "WorkStatus",
    "Zone",
    "ZoneKind",
    "assess",
    "available_standards",
    "exceedance",
    "get_standard",
    "grade_values",
    "parse_lab_table",
    "parse_values",
    "read_lab_file",
    "read_table",
    "single_class",
}


def test_exported_members_are_locked() -> None:
    assert set(gwlib.__all__) == EXPECTED
    for name in gwlib.__all__:
        assert hasattr(gwlib, name), name


def test_gwlib_never_imports_streamlit() -> None:
    offenders = []
    for path in GWLIB.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                offenders.append(str(path.relative_to(GWLIB)))
    assert offenders == []
