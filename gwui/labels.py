"""Our own UI wording, in one place (standard terms live in gwlib as data)."""

from __future__ import annotations

APP_TITLE = "绛县地下水污染防治"
DEMO_NOTICE = "模拟数据"
DEMO_HELP = "当前数据库为演示用模拟数据，非真实监测结果，不得引用。"

COLUMNS = {
    "point": "点位编码",
    "point_name": "点位名称",
    "category": "点位类别",
    "township": "乡镇",
    "aquifer": "含水介质",
    "date": "采样日期",
    "period": "水期",
    "quality_class": "水质类别",
    "class_label": "水质类别",
    "limiting": "定类指标",
    "label": "类别",
    "points": "点位数（个）",
    "share": "占比（%）",
    "status": "状态",
    "wells": "井数（眼）",
    "target_class": "目标类别",
}

OVERVIEW_TITLE = "总览"
OVERVIEW_CAPTION = "各监测点位最新一次采样的 GB/T 14848-2017 水质类别与报废井封井回填进度"
