"""`netspec diagram -o x.html`: the interactive page, checked as written and driven in a real headless Chromium."""

from __future__ import annotations

import io
import json
import re
import shutil
from html.parser import HTMLParser

import pytest
import yaml

import netspec

from conftest import SPECS, run_netspec

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
RESNET = SPECS / "resnet50.yaml"
CIFAR = SPECS / "cifar_deep15.yaml"
FETCHING_ATTRS = {"src", "href", "srcset", "xlink:href", "poster", "data", "action", "formaction", "background"}
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
HOSTILE_TITLE = '<img src=x onerror="document.body.dataset.pwned=1">'
HOSTILE = """\
netspec: 1
name: hostile
description: '</script><script>document.body.dataset.pwned = 1</script><!--'
input: {shape: [8]}
layers:
  - Dense: 4
    name: a
"""


def write_page(spec, tmp_path, *options):
    out = tmp_path / f"{spec.stem}.html"
    result = run_netspec("diagram", spec, "-o", out, *options)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out} (interactive page, ")
    return out


def page_data(html: str) -> dict:
    island = re.search(r'<script type="application/json" id="netspec-data">(.*?)</script>', html, re.S)
    return json.loads(island.group(1))


class Fetches(HTMLParser):
    """Every element or attribute through which a browser would load something."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ("link", "img", "iframe", "object", "embed", "video", "audio", "source", "base"):
            self.found.append(tag)
        self.found += [f"{tag} {name}" for name, _ in attrs if name in FETCHING_ATTRS]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pages")
    hostile = tmp / "hostile.yaml"
    hostile.write_text(HOSTILE)
    return {
        "resnet": write_page(RESNET, tmp),
        "cifar": write_page(CIFAR, tmp),
        "hostile": write_page(hostile, tmp, "--title", HOSTILE_TITLE),
    }


def test_page_names_every_layer_and_fetches_nothing(pages):
    html = pages["resnet"].read_text()
    data = page_data(html)
    spec = netspec.load(RESNET)
    assert {item["id"] for item in data["items"]} >= {layer.name for layer in spec.flat.layers} | {"input"}
    parser = Fetches()
    parser.feed(html)
    assert parser.found == []
    assert not re.search(r"url\(\s*['\"]?(?!#)", html)  # only url(#marker) references inside the page
    for needle in ("@import", "fetch(", "XMLHttpRequest", "import(", "WebSocket", "EventSource", "sendBeacon"):
        assert needle not in html
    assert set(re.findall(r"\w+://[^\s\"'<>]*", html)) == {SVG_NAMESPACE}  # a namespace name, never loaded


def test_user_strings_cannot_break_out_of_the_page(pages):
    html = pages["hostile"].read_text()
    assert "</script><script>document" not in html and "<img" not in html
    assert page_data(html)["description"].startswith("</script><script>")


def test_a_rendered_format_without_html_suffix_is_unchanged(tmp_path):
    result = run_netspec("diagram", CIFAR, "-o", tmp_path / "x.htm")
    assert result.returncode == 2
    assert "use .svg, .png, .pdf, .dot, .mmd or .html" in result.stderr


def test_set_applies_to_the_page(tmp_path):
    out = write_page(CIFAR, tmp_path, "--set", "layers.0.Conv2D.filters=16")
    first = next(item for item in page_data(out.read_text())["items"] if item["id"] == "conv2d_1")
    assert first["a"]["filters"] == 16 and first["sh"] == [32, 32, 16] and first["tr"] == 3 * 3 * 3 * 16 + 16


def test_without_dot_the_page_is_a_usage_error(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_netspec("diagram", CIFAR, "-o", tmp_path / "x.html", env={"PATH": str(empty)})
    assert result.returncode == 2 and not (tmp_path / "x.html").exists()
    assert result.stderr.startswith("netspec: error: Graphviz's `dot` program is not on PATH; install Graphviz")


# ---------- in Chromium ----------


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert CHROMIUM and CHROMEDRIVER, "the tests need Debian's chromium and chromium-driver (see the README)"
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def open_page(browser, path):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(path.as_uri())
    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return document.documentElement.dataset.ready"))
    return browser


def problems(browser) -> list:
    """Console messages of level warning or worse, and every resource the page requested."""
    logs = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    return logs + browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")


def shown(browser) -> list:
    return browser.execute_script("return netspecExplorer.visible()")


def painted(browser) -> list:
    return browser.execute_script("return [...document.querySelectorAll('#canvas g.node')].map(g => g.dataset.id)")


def click_node(browser, name):
    node = browser.find_element("css selector", f'#canvas g.node[data-id="{name}"] rect.outer')
    node.click()


def fills(browser) -> dict:
    return browser.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#canvas g.node')]"
        ".map(g => [g.dataset.id, g.querySelector('rect.outer').getAttribute('fill')]))"
    )


def test_resnet50_opens_folded_and_unfolds_on_a_click(browser, pages):
    spec = netspec.load(RESNET)
    entries = yaml.safe_load(RESNET.read_text())["layers"]  # one folded node per entry of the spec's own list
    open_page(browser, pages["resnet"])
    assert problems(browser) == []
    assert len(shown(browser)) == len(entries) + 1  # and the input
    assert sorted(painted(browser)) == sorted(shown(browser))  # the fitted picture shows every node
    assert "conv3_proj" in shown(browser) and "conv3_proj.conv1" not in shown(browser)

    click_node(browser, "conv3_proj")
    inside = [layer.name for layer in spec.flat.layers if layer.block == "conv3_proj"]
    assert set(inside) <= set(painted(browser))
    assert len(shown(browser)) == len(entries) + len(inside)

    browser.find_element("css selector", '#canvas .frame[data-id="conv3_proj"] .hdr rect').click()
    assert len(shown(browser)) == len(entries) + 1

    click_node(browser, "conv4_block_1 … conv4_block_5")  # a run of five identical blocks: five folded blocks
    assert {f"conv4_block_{k}" for k in range(1, 6)} <= set(painted(browser))
    assert len(shown(browser)) == len(entries) + 5
    click_node(browser, "conv4_block_2")
    assert len(shown(browser)) == len(entries) + 4 + sum(layer.block == "conv4_block_2" for layer in spec.flat.layers)

    browser.find_element("id", "open-all").click()
    assert sorted(shown(browser)) == sorted(["input", *(layer.name for layer in spec.flat.layers)])
    browser.find_element("id", "fold-all").click()
    assert len(shown(browser)) == len(entries) + 1
    assert problems(browser) == []


def test_search_selects_reveals_and_centres_a_layer(browser, pages):
    open_page(browser, pages["resnet"])
    box = browser.find_element("id", "search")
    box.send_keys("conv4_block_3.conv2\n")
    assert browser.execute_script("return document.body.dataset.selected") == "conv4_block_3.conv2"
    node = browser.find_element("css selector", '#canvas g.node.sel[data-id="conv4_block_3.conv2"]')
    canvas = browser.find_element("id", "canvas").rect
    centre = (node.rect["x"] + node.rect["width"] / 2, node.rect["y"] + node.rect["height"] / 2)
    assert abs(centre[0] - (canvas["x"] + canvas["width"] / 2)) < 5
    assert abs(centre[1] - (canvas["y"] + canvas["height"] / 2)) < 5
    assert "Conv2D" in browser.find_element("id", "info").text
    assert browser.find_element("id", "matches").text == "1 of 1"


def test_heat_map_recolours_by_macs_with_legend_and_totals(browser, pages):
    from selenium.webdriver.support.ui import Select

    open_page(browser, pages["resnet"])
    before = fills(browser)
    Select(browser.find_element("id", "colour")).select_by_value("macs")
    after = fills(browser)
    assert after.keys() == before.keys() and all(after[k] != before[k] for k in after if k != "input")
    macs = {item["id"]: item["mac"] for item in page_data(pages["resnet"].read_text())["items"]}
    hottest = max((k for k in after if macs[k]), key=macs.get)
    assert after[hottest] == "rgb(189,0,38)"  # the top of the ramp
    legend = browser.find_element("id", "legend").text
    assert "MACs per node" in legend and "total 3.86 G" in legend


def test_hover_shows_every_figure_and_the_source_line(browser, pages):
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(browser, pages["cifar"])
    spec = netspec.load(CIFAR)
    assert len(shown(browser)) == len(spec.flat.layers) + 1  # a small model opens flat
    row = next(r for r in spec.summary().rows if r.name == "conv2d_2")
    ActionChains(browser).move_to_element(
        browser.find_element("css selector", '#canvas g.node[data-id="conv2d_2"] rect.outer')
    ).perform()
    text = browser.find_element("id", "info").text
    for expected in (
        "conv2d_2",
        "Conv2D · layer",
        "(None, 32, 32, 32)",
        f"trainable {row.trainable:,}",
        f"MACs {row.macs / 1e6:.2f} M",
        "activation memory 128.0 KiB per example",
        f"{CIFAR}:",
        "kernel_size",
        "padding",
    ):
        assert expected in text, (expected, text)
    assert CIFAR.read_text().splitlines()[int(re.search(r"\.yaml:(\d+)", text).group(1)) - 1].strip() in text


def test_hostile_strings_are_shown_as_text(browser, pages):
    open_page(browser, pages["hostile"])
    assert problems(browser) == []
    assert browser.execute_script("return document.body.dataset.pwned") is None
    assert browser.find_element("css selector", "#bar h1").text == HOSTILE_TITLE
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0


def test_screenshot_has_content(browser, pages, tmp_path):
    from PIL import Image

    open_page(browser, pages["resnet"])
    shot = tmp_path / "resnet50.png"
    assert browser.save_screenshot(str(shot))
    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    colours = image.getcolors(image.width * image.height)
    white = dict((c, n) for n, c in colours).get((255, 255, 255), 0)
    assert image.width == 1400 and len(colours) > 50
    assert image.width * image.height - white > 0.03 * image.width * image.height  # boxes, text and edges drawn


def test_notebook_shows_the_page_in_a_frame(browser, tmp_path):
    spec = netspec.load(CIFAR)
    frame = spec._repr_html_()
    assert frame.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in frame
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><html><body>{frame}</body></html>")
    browser.get(host.as_uri())
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(browser, 20).until(lambda d: d.execute_script("return document.documentElement.dataset.ready"))
        assert len(painted(browser)) > 0 and "conv2d_1" in shown(browser)
    finally:
        browser.switch_to.default_content()
