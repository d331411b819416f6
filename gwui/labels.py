"""Our own UI wording, in one place (standard terms live in gwlib as data)."""

from __future__ import annotations

from gwlib.io.wells import SEALING_HEADERS
from gwlib.plans.checklist import EXCEL_HEADERS
from gwlib.store.audit import ROLE_NAMES

DEMO_NOTICE = "模拟数据"
NO_ROWS = "（暂无记录）"
NO_SAMPLES = (
    "数据库中还没有已评价的采样：先导入点位登记表，再导入检测结果"
    "（页面「数据管理」，或命令 `python -m gwlib points import`、"
    "`python -m gwlib results import`）。"
)
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
OVERVIEW_LINKS = (
    ("views/quality.py", "水质类别与趋势"),
    ("views/wells.py", "封井回填台账"),
    ("views/map.py", "一张图与跨图层问题"),
    ("views/tasks.py", "年度目标任务清单"),
    ("views/brief.py", "联席会议简报"),
)

V_GOAL_HELP = "《“十四五”土壤、地下水和农村生态环境保护规划》：地下水国控点位Ⅴ类水比例保持在25%左右"
QUALITY_TITLE = "水质类别与趋势"
TREND_ARROWS_HELP = (
    "↑ 上升　↗ 可能上升　→ 稳定　· 无趋势　↘ 可能下降　↓ 下降　? 数据不足"
    "（Mann-Kendall 检验，α = 0.05）"
)
QUALITY_CAPTION = "按 GB/T 14848-2017 评价；年度类别取该年度（所选水期）各次采样中最差的类别"

#: Exceedance table headers for screen and Excel, units in the headers.
EXCEEDANCE_HEADERS = {
    "point": "点位编码",
    "point_name": "点位名称",
    "township": "乡镇",
    "date": "采样日期",
    "indicator": "指标",
    "qualifier": "限定符",
    "value": "监测值（单位见右列）",
    "unit": "单位",
    "quality_class": "水质类别（Ⅰ–Ⅴ）",
    "target_class": "目标类别（Ⅰ–Ⅴ）",
    "exceedance_iii": "超Ⅲ类倍数（倍）",
    "exceedance_target": "超目标倍数（倍）",
}

# 一张图 / 饮用水源与补给区 / 污染源与防治分区
MAP_CAPTION = (
    "县界、乡镇界、水源保护区与补给区、防治分区、监测点位、报废井和污染源放在一张图上，"
    "右侧为跨图层检查发现的问题。地图组件由本系统提供，不依赖互联网。"
)
MAP_ASSETS_MISSING = (
    "地图组件（Leaflet）尚未安装：请在程序目录运行 `./dev.sh run`（会执行 npm ci 并复制到 "
    "static/vendor），然后刷新页面。"
)
MAP_BASEMAP_HELP = (
    "默认不加载底图（仅矢量边界），内网可用。天地图需在 .streamlit/secrets.toml 的 [map] 中配置 "
    "tianditu_token；内网瓦片服务配置 custom_url。高德底图为 GCJ-02 坐标，选择后所有要素自动偏移。"
)
MAP_LAYERS_HELP = (
    "地图右上角可开关图层（防治分区、已封井报废井默认关闭）；点击要素查看详情。"
    "报废井按封井回填状态着色，缩放后聚合展开。"
)
SOURCES_TITLE = "饮用水源与补给区"
SOURCES_CAPTION = (
    "地下水型饮用水水源名录、保护区与补给区划定状态、规范化建设情况，以及水源点位水质与Ⅲ类的对比。"
)
POLLUTION_TITLE = "污染源与防治分区"
POLLUTION_CAPTION = (
    "一企一库、两场两区、加油站等地下水污染源的防渗改造、监测井与调查评估进展，"
    "以及防治分区的管理要求。"
)

# 封井回填台账
WELLS_TITLE = "封井回填台账"
WELLS_CAPTION = (
    "报废矿井、钻井、取水井从排查登记到验收销号的全过程：按乡镇和状态统计进度，逾期与风险优先清单，"
    "可导出为与导入模板同表头的 Excel。"
)
WELL_TITLE = "单井档案"
WELLSIO_TITLE = "台账导入导出"
USERS_TITLE = "用户管理"
READ_ONLY = "当前为只读（查看者或未登录）：登录编辑账号后可办理、修改和上传。"
ROLE_LABELS = ROLE_NAMES  # gwlib.store.audit: the role names gwlib's own messages use
WELL_COLUMNS = {
    "code": "井编码",
    "category": "井类别",
    "subtype": "井别",
    "township": "乡镇",
    "village": "村",
    "lon": "经度（°）",
    "lat": "纬度（°）",
    "depth_m": "井深（m）",
    "owner": "所有权人",
    "owner_known": "所有权人明确",
    "phone": "联系电话",
    "abandon_reason": "废弃原因",
    "abandon_date": "废弃时间",
    "survey_date": "排查日期",
    "status": "状态",
    "plan_type": "处置方式",
    "responsible_party": "责任主体",
    "lead_department": "牵头部门",
    "planned_completion": "计划完成日期",
    "actual_completion": "实际完成日期",
    "deferral_reason": "暂缓原因",
    "note": "备注",
    "score": "风险分",
    "level": "风险等级",
    "reasons": "评分依据",
    "days_overdue": "逾期（天）",
    "action": "应采取的措施",
    "wells": "井数（眼）",
    "sealed": "已封井（眼）",
    "accepted": "已验收（眼）",
    "overdue": "逾期（眼）",
    "deferred": "暂缓封井（眼）",
    "owner_unknown": "所有权人不明（眼）",
    "sealed_share": "封井率（%）",
    "share": "占比（%）",
    "month": "月份",
    "registered": "累计登记（眼）",
    "ts_utc": "时间",
    "user_name": "操作人",
    "action_kind": "操作",
    "entity": "对象",
    "field": "字段",
    "old_value": "原值",
    "new_value": "新值",
    "from_status": "原状态",
    "to_status": "新状态",
    "event_date": "办理日期",
    "kind": "类别",
    "filename": "文件名",
    "size_bytes": "大小（字节）",
    "review_status": "审核状态",
    "review_note": "审核意见",
    "uploaded_by": "上传人",
    "uploaded_at": "上传时间",
    "recorded_at": "记录时间",
    "top_m": "顶深（m）",
    "bottom_m": "底深（m）",
    "role": "作用",
    "material": "材料",
    "row": "行号",
    "column": "列",
    "value": "值",
    "reason": "原因",
    "severity": "处理",
}
# The sealing record (单井档案's 封井记录 for a viewer) with the export's 封井与验收 headers.
WELL_COLUMNS |= {k: v for k, v in SEALING_HEADERS.items() if k not in WELL_COLUMNS}

DB_UNAVAILABLE = (
    "暂时无法读写数据库：数据库服务未启动、网络中断或正被其他操作占用。"
    "请稍后点“重试”；数据不会丢失。"
)
DB_DETAIL = "如持续出现，请把以下信息告诉系统管理员："
DB_SCHEMA = (
    "数据库结构与本程序版本不一致（缺少表或字段）：请管理员运行 "
    "python -m gwlib migrate --db 数据库地址 升级数据库结构后刷新页面；数据不会丢失。"
)

#: How the 封井完成率 is defined (gwlib.wells.ledger.LedgerFigures), shown wherever it is quoted.
COMPLETION_RATE_HELP = "封井完成率 =（已封井待验收 + 已验收销号）/（清单井数 − 暂缓）"

RESULTS_TITLE = "检测结果导入"
RESULTS_CAPTION = (
    "一个文件是一个导入批次：先预览，确认后一次写入。长表（每行一个监测值）或宽表（每行一个样品、"
    "每列一个指标，单位写在表头）都可以。同一文件再导入不作改动；改正后的文件只改变有变化的值，"
    "逐项记入审计日志；批次可以撤回。"
)
#: Chinese headers of the frames the results page shows (the frames keep English columns).
RESULTS_COLUMNS = {
    "file": "文件", "row": "行", "column": "列", "value": "值", "reason": "原因",
    "point": "点位编码", "point_name": "点位名称", "date": "采样日期", "indicator": "指标",
    "field": "项目", "old": "原值", "new": "新值", "year": "年度", "old_class": "原年度类别",
    "new_class": "新年度类别", "id": "批次", "file_name": "文件名", "user_name": "导入人",
    "created_at": "导入时间", "n_new": "新增样品", "n_updated": "修改样品",
    "n_unchanged": "未变样品", "n_qc": "质控样品", "rows_rejected": "拒收行", "status": "状态",
    "withdrawn_by": "撤回人", "withdrawn_at": "撤回时间", "withdraw_reason": "撤回原因",
    "quality_class": "水质类别", "samples": "样品数（个）",
    "sample_code": "样品编号", "qc_type": "样品类型", "measurements": "测定值（项）",
    "unit": "单位", "routine": "常规样测定值", "parallel": "平行样测定值",
    "rd_pct": "相对偏差（%）", "note": "说明",
}  # fmt: skip

DISPATCH_TITLE = "调度与通报"
DISPATCH_CAPTION = (
    "每季度一轮调度：开启时快照各任务进展；各牵头单位（落实到乡镇的任务由各乡镇）按截止日期填报；"
    "本页列出未报单位、与上一轮相比的变化和单位排名；滞后事项可下达督办并记录回复；"
    "最后生成通报（公文格式 .docx）。每一步都记入审计日志。"
)
DISPATCH_COLUMNS = {
    "unit": "单位", "task_number": "任务序号", "title": "任务", "expected": "应报(项)",
    "reported": "已报(项)", "report_rate": "报送率(%)", "done": "已完成(项)",
    "lagging": "滞后(项)", "rank": "排名", "status": "状态", "done_text": "完成情况",
    "evidence": "佐证材料", "reported_by": "填报人", "reported_at": "填报时间",
    "kind": "类型", "requirement": "要求", "deadline": "期限", "issued_by": "下达人",
    "issued_at": "下达时间", "response": "办理情况", "responded_at": "回复时间", "id": "编号",
    "number": "任务序号", "lead": "牵头单位", "progress": "进度(%)", "outlook": "研判",
    "old_outlook": "上轮研判", "new_outlook": "本轮研判", "old_progress": "上轮进度(%)",
    "new_progress": "本轮进度(%)", "code": "轮次", "issue_no": "期号", "due": "填报截止",
    "filename": "文件名", "size_bytes": "大小（字节）", "review_status": "审核状态",
    "review_note": "审核意见", "uploaded_by": "上传人", "uploaded_at": "上传时间",
}  # fmt: skip

POINTS_TITLE = "监测点位登记"
POINTS_CAPTION = (
    "点位登记表按「点位编码」新增或更新（不删除点位；停用的点位保留全部历史数据）。坐标可填经度/纬度"
    "（十进制度或度分秒），或 X坐标/Y坐标 加坐标系"
    "（EPSG 代码、CGCS2000 3度带/6度带、UTM、GCJ-02 等）。"
    "先预览：每个问题都指明行、列、值和原因；确认后一个事务写入，每项修改记入审计日志。"
)
POINTS_COLUMNS = {
    "row": "行", "column": "列", "value": "值", "reason": "原因", "severity": "级别",
    "point": "点位编码", "field": "项目", "old": "原值", "new": "新值", "code": "点位编码",
    "name": "点位名称", "status": "导入结果",
}  # fmt: skip

ZONES_TITLE = "保护区与分区导入"
ZONES_CAPTION = (
    "导入饮用水水源保护区（一级/二级/准保护区，须指定所属水源地）、补给区、防治分区（保护类/管控类/一般区）"
    "或乡镇界。支持 Shapefile（zip 压缩包，无 .prj 时须选择坐标系）、GeoJSON、KML/KMZ 和划定方案的"
    "拐点坐标表（Excel/CSV）。先在地图上预览，确认后一个事务写入；再次导入同一文件不会重复登记。"
)
ZONES_COLUMNS = {
    "code": "编码", "name": "名称", "status": "导入结果", "area_km2": "面积(km²)",
    "legal_status": "划定状态", "approval_no": "批复文号", "approval_date": "批复日期",
    "field": "项目", "old": "原值", "new": "新值", "row": "要素/行", "column": "列",
    "value": "值", "reason": "原因", "severity": "级别",
}  # fmt: skip

SOURCES_IMPORT_TITLE = "水源地登记"
POLLUTION_IMPORT_TITLE = "污染源登记"
REGISTER_CAPTION = (
    "按模板填写登记表（Excel 或 CSV）后上传：先预览，确认后在一个事务中写入。按编码新增或更新；"
    "同一文件再导入不作改动；改正后的文件只更新有变化的记录，每个改动的字段（原值 → 新值）记入"
    "审计日志。坐标可填经纬度，或 X/Y 坐标和坐标系。有错误的行整行不导入。"
)
#: Chinese headers of the frames the register pages show.
REGISTER_COLUMNS = {
    "row": "行", "column": "列", "value": "值", "reason": "原因", "severity": "类型",
    "code": "编码", "name": "名称", "field": "字段", "old": "原值", "new": "新值",
    "status": "导入结果",
}  # fmt: skip

PAGE_ERROR = (
    "本页出现内部错误，已记入服务器日志（编号 {ref}）。"
    "请刷新页面重试；如仍出现，请把编号告诉系统管理员。"
)

#: 年度目标任务清单: the checklist (the Excel export's headers), a plan under review, the status
#: log, the department table.
TASK_COLUMNS = {
    **EXCEL_HEADERS,
    "deadlines": "完成时限",
    "overdue": "逾期",
    "changed_at": "时间",
    "changed_by": "修改人",
    "old_status": "原状态",
    "new_status": "新状态",
    "new_evidence": "佐证",
    "note": "说明",
    "department": "牵头单位",
    "tasks": "牵头任务（项）",
    "done": "已完成（项）",
    "正常": "正常（项）",
    "有风险": "有风险（项）",
    "滞后": "滞后（项）",
}
#: The review table of an imported plan: lists typed with their separators.
PLAN_REVIEW_COLUMNS = {
    **TASK_COLUMNS,
    "lead": "牵头单位（、分隔）",
    "cooperating": "配合单位（、分隔）",
    "deadlines": "完成时限（；分隔）",
}

#: 水质类别与趋势: the statistics behind the indicator matrix and the class-change ledger.
QUALITY_COLUMNS = {
    "point": "点位编码",
    "point_name": "点位名称",
    "township": "乡镇",
    "indicator": "指标",
    "date": "采样日期",
    "value": "监测值",
    "unit": "单位",
    "cls": "类别",
    "category": "趋势",
    "n": "样本数（个）",
    "s": "Mann-Kendall S",
    "p": "p 值",
    "tau": "Kendall τ",
    "slope": "Sen 斜率（单位/年）",
    "year": "年度",
    "prev": "上年类别",
    "now": "本年类别",
    "change": "变化",
    "driver": "引起变化的指标",
}

#: 饮用水源与补给区: the source register, sources worse than Ⅲ, their zones.
SOURCES_COLUMNS = {
    "code": "编码",
    "name": "名称",
    "scale": "规模",
    "source_type": "类型",
    "township": "乡镇",
    "population": "服务人口（人）",
    "capacity_t_d": "取水量（t/d）",
    "zones_status": "保护区划定",
    "first_km2": "一级保护区（km²）",
    "second_km2": "二级保护区（km²）",
    "quasi_km2": "准保护区（km²）",
    "recharge_status": "补给区划定",
    "recharge_km2": "补给区（km²）",
    "recharge_progress": "补给区进度",
    "signage": "规范化建设：标志",
    "fencing": "规范化建设：隔离防护",
    "rectification": "规范化建设：环境问题整治",
    "year": "年度",
    "label": "水质类别",
    "exceedance_cause": "成因（地质背景/人为因素）",
    "remediation_status": "整治方案与进展",
    "kind": "类型",
    "legal_status": "划定状态",
    "approval_no": "批复文号",
    "approval_date": "批复日期",
    "area_km2": "面积（km²）",
    "basis": "划定依据",
    "requirements": "管理要求",
}

#: 总览: shares by point category, points failing their target, points not sampled.
OVERVIEW_COLUMNS = {
    **COLUMNS,
    "group": "点位类别",
    "Ⅰ–Ⅲ类": "Ⅰ–Ⅲ类（%）",
    "Ⅳ类": "Ⅳ类（%）",
    "Ⅴ类": "Ⅴ类（%）",
    "cls": "水质类别",
    "tgt": "目标类别",
    "detail": "定类指标（监测值，超标倍数）",
    "expected": "应采样次数（次）",
}

#: 用户管理 table (times shown in the section's time zone).
USERS_COLUMNS = {
    "username": "用户名",
    "display_name": "姓名",
    "role": "角色",
    "active": "启用",
    "created_at": "创建时间",
    "last_login": "最近登录",
}

#: 单点报告's 水质与水位同步评价 table (per year and 水期).
SYNC_COLUMNS = {
    "year": "年度", "period": "水期", "samples": "采样（次）", "quality_class": "水质类别（最差）",
    "level_mean": "平均水位埋深（m）", "level_min": "最浅（m）", "level_max": "最深（m）",
}  # fmt: skip

#: 污染源与防治分区: the summary by category, the source register, the prevention zones.
POLLUTION_COLUMNS = {
    "group": "类别", "sources": "污染源（个）", "seepage_done": "防渗改造已完成（个）",
    "survey_done": "调查评估已完成（个）", "key_dischargers": "重点排污单位（个）",
    "code": "编码", "name": "名称", "category": "细类", "township": "乡镇",
    "key_discharger": "重点排污单位名录", "permit_no": "排污许可证编号",
    "self_monitoring": "自行监测", "networked": "自动监测联网", "seepage_status": "防渗改造",
    "survey_status": "调查评估", "risk_control": "风险管控", "monitoring_wells": "监测井（眼）",
    "points": "纳入监测的点位", "worst_label": "点位最新类别（最差）",
}  # fmt: skip
POLLUTION_ZONE_COLUMNS = {
    "code": "分区编码", "name": "名称", "kind": "分区", "legal_status": "划定状态",
    "approval_no": "批复文号", "area_km2": "面积（km²）", "requirements": "管理要求",
    "basis": "依据",
}  # fmt: skip

#: The tabs of 水质类别与趋势, in order (only the open one runs: views/quality.py).
QUALITY_TABS = ("类别变化", "指标矩阵", "单点报告", "类别变化台账", "超标明细", "回灌与地热尾水")
#: The tabs of 封井回填台账, in order (only the open one runs: views/wells.py).
WELLS_TABS = ("台账", "逾期清单", "风险优先工作清单", "各乡镇")
