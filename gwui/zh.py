"""Streamlit's own widget texts in Chinese.

Streamlit has no language setting: its file uploader says "Upload" and "50MB per file", an
empty select says "Choose an option", a multiselect offers "Select all", a form's text box says
"Press Enter to submit form". A small script, installed once per browser page, replaces exactly
those texts (text nodes and ``placeholder`` attributes) as Streamlit draws them. It touches
only the strings listed here, never user data, and fetches nothing.
"""

from __future__ import annotations

import json

import streamlit as st

#: Streamlit's English → ours. Exact matches of a whole text node or placeholder.
TEXTS = {
    "Upload": "选择文件",
    "Upload directories": "选择文件夹",
    "Drag and drop file here": "将文件拖放到此处",
    "Browse files": "选择文件",
    "Choose an option": "请选择",
    "Choose options": "请选择（可多选）",
    "Choose or add an option": "请选择或输入",
    "Choose or add options": "请选择或输入（可多选）",
    "No options to select": "无可选项",
    "No options to select.": "无可选项",
    "No results": "无匹配项",
    "Select all": "全选",
    "Clear all": "全部清除",
    "Press Enter to submit form": "按回车键提交",
    "Press Enter to apply": "按回车键确认",
    "Press ⌘+Enter to submit form": "按 ⌘+回车键提交",
    "Press Ctrl+Enter to submit form": "按 Ctrl+回车键提交",
    "Running...": "运行中…",
    "yyyy": "年",  # an empty date input's segments
    "mm": "月",
    "dd": "日",
    "empty": "无数据",
    "Page not found": "页面不存在",
    "The page that you have requested does not seem to exist. Running the app's main page.":
        "所请求的页面不存在，已打开首页。",
    "Stop": "停止",
}
#: Patterns: (JavaScript regular expression, replacement with $1 …).
PATTERNS = [
    (r"^(\d+(?:\.\d+)?\s*[KMGT]?B) per file$", "单个文件不超过 $1"),
    (r"^(\d+(?:\.\d+)?\s*[KMGT]?B) per file • (.+)$", "单个文件不超过 $1 • $2"),
    (r"^Limit (\d+(?:\.\d+)?\s*[KMGT]?B) per file(.*)$", "单个文件不超过 $1$2"),
    (r"^Select (\d+) matches$", "选择 $1 个匹配项"),
]

_SCRIPT = """
<script>
(function () {
  if (window.__gwZh) { return; }
  window.__gwZh = true;
  var texts = %(texts)s;
  var patterns = %(patterns)s.map(function (p) { return [new RegExp(p[0]), p[1]]; });
  function zh(s) {
    var t = s.trim();
    if (!t) { return null; }
    if (Object.prototype.hasOwnProperty.call(texts, t)) { return s.replace(t, texts[t]); }
    for (var i = 0; i < patterns.length; i++) {
      var re = patterns[i][0];
      if (re.test(t)) { return s.replace(t, t.replace(re, patterns[i][1])); }
    }
    return null;
  }
  function fix(root) {
    if (root.nodeType === 3) {
      var r = zh(root.nodeValue);
      if (r !== null && r !== root.nodeValue) { root.nodeValue = r; }
      return;
    }
    if (root.nodeType !== 1) { return; }
    if (root.hasAttribute && root.hasAttribute("placeholder")) {
      var p = zh(root.getAttribute("placeholder"));
      if (p !== null) { root.setAttribute("placeholder", p); }
    }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var n;
    while ((n = walker.nextNode())) {
      var v = zh(n.nodeValue);
      if (v !== null && v !== n.nodeValue) { n.nodeValue = v; }
    }
    var inputs = root.querySelectorAll ? root.querySelectorAll("[placeholder]") : [];
    for (var j = 0; j < inputs.length; j++) {
      var q = zh(inputs[j].getAttribute("placeholder"));
      if (q !== null) { inputs[j].setAttribute("placeholder", q); }
    }
  }
  new MutationObserver(function (records) {
    records.forEach(function (rec) {
      if (rec.type === "characterData") { fix(rec.target); }
      else if (rec.type === "attributes") { fix(rec.target); }
      else { rec.addedNodes.forEach(fix); }
    });
  }).observe(document.body, {childList: true, subtree: true, characterData: true,
                             attributes: true, attributeFilter: ["placeholder"]});
  fix(document.body);
})();
</script>
"""


def install() -> None:
    """Add the script to the page (once per browser page; later runs find it installed)."""
    st.sidebar.html(  # in the sidebar: no gap above the page
        _SCRIPT % {"texts": json.dumps(TEXTS, ensure_ascii=False),
                   "patterns": json.dumps(PATTERNS, ensure_ascii=False)},
        unsafe_allow_javascript=True,
    )  # fmt: skip
