"""gwlib — the domain library of the groundwater pollution-prevention dashboard.

Grades groundwater samples by GB/T 14848-2017 (or any standard set added as data), reads lab
files as Chinese labs write them, and keeps monitoring points, abandoned wells, drinking sources,
zones, pollution sources and action plans in a SQLite or PostgreSQL store. Never imports
streamlit.
"""

from gwlib.errors import (
    GwlibError,
    IndicatorError,
    InputError,
    StandardDataError,
    StoreError,
    UnitError,
    ValidationError,
    ValueFormatError,
)
from gwlib.io.lab import MeasurementBatch, parse_lab_table, read_lab_file
from gwlib.io.tables import Issue, RawTable, read_table
from gwlib.plans.model import ActionPlan, PlanTask
from gwlib.quality.assess import Assessment, assess
from gwlib.quality.classes import QualityClass
from gwlib.quality.grading import NonDetectPolicy, exceedance, grade_values, single_class
from gwlib.quality.model import (
    AquiferMedium,
    Burial,
    FrequencyRule,
    Measurement,
    MonitoringPoint,
    Period,
    PointCategory,
    PointStatus,
    Sample,
)
from gwlib.quality.standards import Indicator, StandardSet, available_standards, get_standard
from gwlib.quality.values import ValueToken, parse_values
from gwlib.sources.model import (
    DrinkingSource,
    LegalStatus,
    PollutionCategory,
    PollutionSource,
    SourceScale,
    SourceType,
    WorkStatus,
    Zone,
    ZoneKind,
)
from gwlib.store import Store
from gwlib.wells.model import AbandonedWell, PlanType, WellCategory, WellStatus

__all__ = [
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
]
