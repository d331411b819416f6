"""Widget keys, prefixed by page; every widget takes its key from here."""

from __future__ import annotations

# Shared water-quality filters (rendered by the frame, read by the quality pages).
FILTER_YEAR = "filters.year"
FILTER_PERIOD = "filters.period"
FILTER_CATEGORY = "filters.category"
FILTER_TOWNSHIP = "filters.township"
FILTER_AQUIFER = "filters.aquifer"

OVERVIEW_V_GOAL = "overview.v_goal"

QUALITY_MATRIX_INDICATORS = "quality.matrix_indicators"
QUALITY_POINT = "quality.point"
QUALITY_POINT_INDICATORS = "quality.point_indicators"
QUALITY_MATRIX_TABLE = "quality.matrix_table"
QUALITY_EXCEEDANCE_TABLE = "quality.exceedance_table"

# 一张图 / 饮用水源与补给区 / 污染源与防治分区
MAP_BASEMAP = "map.basemap"
MAP_MAP = "map.map"
MAP_RULES = "map.rules"
MAP_SEVERITY = "map.severity"
MAP_FINDINGS = "map.findings"
MAP_EXPORT_CSV = "map.export_csv"
MAP_EXPORT_ZONES_GEOJSON = "map.export_zones_geojson"
MAP_EXPORT_ZONES_KML = "map.export_zones_kml"
SOURCES_SOURCE = "sources.source"
SOURCES_TABLE = "sources.table"
SOURCES_ZONES_TABLE = "sources.zones_table"
SOURCES_IMPORT_FILE = "sources.import_file"
SOURCES_IMPORT_KIND = "sources.import_kind"
SOURCES_IMPORT_SOURCE = "sources.import_source"
SOURCES_IMPORT_SAVE = "sources.import_save"
POLLUTION_GROUP = "pollution.group"
POLLUTION_TABLE = "pollution.table"
POLLUTION_ZONES_TABLE = "pollution.zones_table"
