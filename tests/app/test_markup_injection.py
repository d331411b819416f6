"""Free text typed by users never renders as markup or makes the browser fetch anything."""

from __future__ import annotations

from gwui.render import md

PAYLOADS = [
    "![x](http://evil.example/p.png)",
    "<img src=x onerror=alert(1)>",
    "[点我](javascript:alert(1))",
    "**粗体** _斜体_ `代码`",
]


def test_md_escapes_every_markup_character() -> None:
    for text in PAYLOADS:
        escaped = md(text)
        for ch in "![]()<>*_`":
            assert ch not in escaped.replace("\\" + ch, "")
        # Unescaping gives the text back: nothing is lost, only neutralised.
        assert escaped.replace("\\", "") == text.replace("\\", "")
