"""The page registry: navigation, the AppTest smoke test and the browser test all read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str  # script, relative to the repository root
    title: str
    icon: str
    url_path: str  # "" for the home page
    section: str = "监测与评价"
    quality_filters: bool = False  # the frame shows the shared water-quality filters

    @property
    def default(self) -> bool:
        return self.url_path == ""


PAGES: tuple[PageSpec, ...] = (
    PageSpec("views/overview.py", "总览", ":material/dashboard:", "", quality_filters=True),
    PageSpec("views/quality.py", "水质类别与趋势", ":material/water_drop:", "quality",
             quality_filters=True),
    PageSpec("views/map.py", "一张图", ":material/map:", "map", section="一张图"),
    PageSpec("views/sources.py", "饮用水源与补给区", ":material/water:", "sources",
             section="一张图"),
    PageSpec("views/pollution.py", "污染源与防治分区", ":material/factory:", "pollution",
             section="一张图"),
    PageSpec("views/wells.py", "封井回填台账", ":material/format_list_bulleted:", "wells",
             section="封井回填"),
    PageSpec("views/well_record.py", "单井档案", ":material/description:", "well-record",
             section="封井回填"),
    PageSpec("views/wells_io.py", "台账导入导出", ":material/upload_file:", "wells-io",
             section="封井回填"),
    PageSpec("views/points_register.py", "监测点位登记", ":material/location_on:", "points",
             section="数据管理"),
    PageSpec("views/sources_import.py", "水源地登记", ":material/water_pump:", "sources-import",
             section="数据管理"),
    PageSpec("views/pollution_import.py", "污染源登记", ":material/warehouse:", "pollution-import",
             section="数据管理"),
    PageSpec("views/zones_import.py", "保护区与分区导入", ":material/polyline:", "zones-import",
             section="数据管理"),
    PageSpec("views/results_import.py", "检测结果导入", ":material/science:", "results",
             section="数据管理"),
    PageSpec("views/users.py", "用户管理", ":material/manage_accounts:", "users",
             section="系统"),
    PageSpec("views/tasks.py", "年度目标任务清单", ":material/checklist:", "tasks",
             section="任务与简报"),
    PageSpec("views/dispatch.py", "调度与通报", ":material/campaign:", "dispatch",
             section="任务与简报"),
    PageSpec("views/projects.py", "项目储备库", ":material/account_balance:", "projects",
             section="任务与简报"),
    PageSpec("views/brief.py", "联席会议简报", ":material/summarize:", "brief",
             section="任务与简报"),
)
