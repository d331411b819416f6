"""PDF by LibreOffice (headless), apart from the document writers so that a page can ask
whether PDF is offered without loading python-docx and python-pptx."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from gwlib.config import REFERENCE_DIR
from gwlib.errors import GwlibError

#: Maps 宋体/黑体 to the Simplified-Chinese Noto faces for LibreOffice (see the file).
FONTS_CONF = REFERENCE_DIR / "fonts" / "fonts.conf"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(source: Path, out_dir: Path) -> Path:
    """Convert a DOCX/PPTX to PDF with LibreOffice (headless, its own temporary profile)."""
    exe = soffice()
    if exe is None:
        raise GwlibError("生成 PDF 需要 LibreOffice（Debian 软件包 libreoffice-writer-nogui）")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)},
        )
    pdf = out_dir / (source.stem + ".pdf")
    if done.returncode != 0 or not pdf.exists():
        raise GwlibError(f"LibreOffice 转换 PDF 失败：{done.stderr.strip() or done.stdout.strip()}")
    return pdf
