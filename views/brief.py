"""联席会议简报: the brief on screen and, in one click, as DOCX / PPTX / PDF.

Screen and pack show the same BriefData (one gwlib call), so their numbers agree."""

import streamlit as st

from gwlib.brief import CHART_TITLES, soffice
from gwlib.errors import GwlibError
from gwui import briefing, keys
from gwui.loaders import as_of_date, load_meta, load_years
from gwui.render import demo_notice, labelled_table, md

CHART_OF = {
    "一、地下水环境质量": "quality",
    "二、报废矿井、钻井、取水井封井回填": "wells",
    "四、年度目标任务完成情况": "tasks",
}
PERIODS = {"": "全年", "丰水期": "丰水期", "平水期": "平水期", "枯水期": "枯水期"}

st.title("联席会议简报")
demo_notice(load_meta())
years = load_years() or [as_of_date().year]
with st.form(keys.BRIEF_FORM):
    c1, c2 = st.columns(2)
    year = c1.selectbox("年度", years, key=keys.BRIEF_YEAR, format_func=lambda y: f"{y} 年")
    period = c2.selectbox(
        "水期", list(PERIODS), key=keys.BRIEF_PERIOD, format_func=PERIODS.__getitem__
    )
    st.form_submit_button("更新")
data = briefing.load_brief(year, period)
st.subheader(data.title)
st.caption(f"数据截至 {data.as_of}；{PERIODS[period]}。下方图表与简报文件中的完全一致。")
cols = st.columns(4)
for i, (label, value) in enumerate(data.headline):
    cols[i % 4].metric(label, value)

images: dict[str, bytes] = {}
for heading, tables in data.sections:
    st.header(heading)
    key = CHART_OF.get(heading)
    if key:
        images[key] = briefing.chart_png(key, data.charts[key])
        st.image(images[key], caption=CHART_TITLES[key])
    for n, table in enumerate(tables):
        st.markdown(f"**{md(table.title)}**")
        labelled_table(table.frame, {}, f"{keys.BRIEF_TABLE}.{heading[:1]}{n}")
        if table.note:
            st.caption(table.note)
st.header("下一步工作")
for i, step in enumerate(data.next_steps, 1):
    st.markdown(f"{i}\\. {md(step)}")

st.divider()
formats = ["docx", "pptx"] + (["pdf"] if soffice() else [])
kind = st.radio(
    "简报格式",
    formats,
    horizontal=True,
    key=keys.BRIEF_FORMAT,
    format_func={"docx": "Word（DOCX）", "pptx": "演示文稿（PPTX）", "pdf": "PDF"}.__getitem__,
)
if st.button("生成简报", key=keys.BRIEF_BUILD, type="primary"):
    bar = st.progress(0, text="绘制图表…")
    for i, key in enumerate(CHART_OF.values(), 1):
        images[key] = briefing.chart_png(key, data.charts[key])
        bar.progress(i * 20, text=f"绘制图表 {i}/3…")
    bar.progress(70, text="写入文件…" if kind != "pdf" else "写入文件并转换 PDF…")
    try:
        from gwlib.brief.pack import pack_bytes  # python-docx/-pptx: loaded when a pack is made

        payload = pack_bytes(data, images, kind)
    except GwlibError as exc:
        bar.empty()
        st.error(md(str(exc)))
    else:
        bar.progress(100, text="完成")
        st.download_button(
            f"下载简报（{kind.upper()}）",
            payload,
            key=keys.BRIEF_DOWNLOAD,
            file_name=f"联席会议简报_{year}{period}.{kind}",
            on_click="ignore",
        )
