#!/usr/bin/env python3
"""Make a sample scan for `make run`: the first page of the user's directive (seed 001,
hand-corrected in corpora/gold/) typeset on A4 with its two-column header and degraded
like a real scan (`render.LEVELS['scan']`: tilted 1.2 degrees, blur, noise, dust, JPEG)."""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

from diacritic_restore.train.render import render_document

ROOT = Path(__file__).resolve().parent.parent
HEADER = (["TỈNH UỶ SÓC TRĂNG", "*", "Số 15-CT/TU"],
          ["ĐẢNG CỘNG SẢN VIỆT NAM", "Sóc Trăng, ngày 23 tháng 12 năm 2022"])


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "out" / "sample-scan.png"
    text = (ROOT / "corpora" / "gold" / "001_corrected.txt").read_text(encoding="utf-8")
    paras, cur = [], []
    for line in text.splitlines():
        if line.strip():
            cur.append(line.strip())
        elif cur:
            paras.append(" ".join(cur))
            cur = []
    body = [p for p in paras if len(p.split()) > 25][:4]
    imgs, _ = render_document(["CHỈ THỊ", "về đẩy mạnh công tác kết nạp đảng viên giai đoạn 2023-2025", *body],
                              "scan", seed=7, header=HEADER)
    out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(imgs[0]).save(out, dpi=(300, 300))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
