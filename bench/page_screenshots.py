"""The screenshots of the interactive page in docs/diagrams.md, taken in headless Chromium.

    python bench/page_screenshots.py

Writes docs/img/page_*.png (palette PNGs, to keep them small). Needs chromium, chromium-driver and the
`dev` extra (selenium, pillow).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bench_html import browser
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
HEAT_SPEC = "efficientnet.yaml" if (ROOT / "specs" / "efficientnet.yaml").exists() else "mobilenet_v2.yaml"

# name -> (spec, window size, script run before the picture is taken)
SHOTS = {
    "page_cifar_deep15": ("cifar_deep15.yaml", (1100, 1000), "netspecExplorer.foldAll(); netspecExplorer.fitAll();"),
    "page_resnet50": ("resnet50.yaml", (1100, 1000), "netspecExplorer.fitAll();"),
    "page_resnet50_block": (
        "resnet50.yaml",
        (1100, 1000),
        "netspecExplorer.open('conv3_proj');"
        "const s = document.getElementById('search'); s.value = 'conv3_proj.conv2';"
        "s.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}));",
    ),
    "page_heat": (
        HEAT_SPEC,
        (1100, 1000),
        "const c = document.getElementById('colour'); c.value = 'macs'; c.dispatchEvent(new Event('change'));"
        "netspecExplorer.fitAll();",
    ),
}


def main() -> None:
    driver = None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for name, (spec, size, script) in SHOTS.items():
                page = Path(tmp) / f"{name}.html"
                # the spec named as a user in the checkout names it: the page shows specs/<file>:LINE
                command = [sys.executable, "-m", "netspec", "diagram", f"specs/{spec}", "-o", str(page)]
                subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
                if driver is None:
                    driver = browser()
                driver.set_window_size(*size)
                driver.get(page.as_uri())
                driver.execute_script(script)
                shot = Path(tmp) / f"{name}.png"
                driver.save_screenshot(str(shot))
                out = IMG / f"{name}.png"
                Image.open(shot).convert("RGB").quantize(colors=96).save(out, optimize=True)
                print(f"wrote {out} ({out.stat().st_size // 1024} KiB) from specs/{spec}")
        finally:
            if driver is not None:
                driver.quit()


if __name__ == "__main__":
    main()
