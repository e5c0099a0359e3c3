"""An exported page opened in headless Chromium with the network off requests nothing but itself.

Chromium records every request in a net log (--log-net-log); DNS is mapped to nowhere, so a
request the page makes is still logged, then fails. The stock lab template is the control: its
CDN requests must show up, or the recording is not working and the main check would pass
vacuously. Skipped without Chromium, except in CI (CI set), where it fails.
"""

import base64
import json
import os
import shutil
import subprocess
from html import unescape
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from svc_analysis.pack import page_safety
from svc_analysis.pack.export import export_html

pytestmark = pytest.mark.browser

PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
# A copy of the page gets this script: it writes the font-family the browser computed for
# Markdown text and for a printed output into the DOM, which --dump-dom then shows.
FONT_PROBE = """<script>
const probe = document.createElement("pre");
probe.id = "font-probe";
probe.textContent = JSON.stringify({
  markdown: getComputedStyle(document.querySelector(".jp-RenderedMarkdown")).fontFamily,
  output: getComputedStyle(document.querySelector(".jp-RenderedText pre")).fontFamily});
document.body.appendChild(probe);
</script>"""
# Chromium's own background traffic (update checks, account lookups) has no page as initiator.
BROWSER_OWN = "not an origin"


def _chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("headless Chromium is required in CI: apt-get install -y chromium")
    pytest.skip("headless Chromium not installed (apt-get install -y chromium)")


def _page_requests(netlog: Path) -> list[str]:
    """URLs the page asked the network stack for, other than data: and file: ones."""
    text = netlog.read_text(encoding="utf-8")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short lacks its closing brackets
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params", {})
        if event["type"] != start_job or "url" not in params:
            continue
        from_page = (params.get("initiator") != BROWSER_OWN
                     or "file://" in params.get("network_isolation_key", ""))
        if from_page and not params["url"].startswith(("data:", "file:")):
            urls.append(params["url"])
    return urls


def _open_offline(html: Path, workdir: Path) -> tuple[str, list[str]]:
    """Load the page in headless Chromium with no network; return its DOM and its requests."""
    netlog = workdir / f"{html.stem}.netlog.json"
    command = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-default-apps", "--disable-extensions",
        f"--user-data-dir={workdir / ('profile-' + html.stem)}",
        "--host-resolver-rules=MAP * ~NOTFOUND", f"--log-net-log={netlog}",
        "--dump-dom", html.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, _page_requests(netlog)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """One notebook with a chart output, exported with the offline template and the stock one."""
    _chromium()
    from nbconvert import HTMLExporter

    folder = tmp_path_factory.mktemp("browser")
    nb = new_notebook(cells=[
        new_markdown_cell("# 离线页面"),
        new_code_cell("plot()", execution_count=1, outputs=[
            new_output("stream", name="stdout", text="month=2024-10\n"),
            new_output("display_data", data={"image/png": PNG_B64, "text/plain": "<Figure>"})]),
    ])
    nbformat.write(nb, folder / "40_chart.ipynb")
    export_html(folder / "40_chart.ipynb", folder / "offline.html")
    stock, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    (folder / "stock.html").write_text(stock, encoding="utf-8")
    offline = (folder / "offline.html").read_text(encoding="utf-8")
    probed = offline.replace("</body>", FONT_PROBE + "</body>")
    # the probe is one more inline script: the page's policy must allow it by its hash too
    probed = probed.replace(page_safety.script_policy(offline), page_safety.script_policy(probed), 1)
    (folder / "fonts.html").write_text(probed, encoding="utf-8")
    return {name: _open_offline(folder / f"{name}.html", folder) for name in ("offline", "stock", "fonts")}


def test_exported_page_requests_nothing_beyond_itself(pages):
    dom, requests = pages["offline"]
    assert requests == []
    assert "month=2024-10" in dom  # the page did load and render
    assert f'src="data:image/png;base64,{PNG_B64}"' in dom


def test_control_stock_template_requests_the_cdn(pages):
    _, requests = pages["stock"]
    assert any("cdnjs.cloudflare.com" in url and "require" in url for url in requests)


def test_page_text_uses_the_cjk_font_stack_in_a_browser(pages):
    dom, requests = pages["fonts"]
    probe = json.loads(unescape(dom.split('<pre id="font-probe">', 1)[1].split("</pre>", 1)[0]))
    assert probe["markdown"] == ('"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", '
                                 '"Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif')
    assert probe["output"].startswith('menlo, consolas, "DejaVu Sans Mono", "Microsoft YaHei"')
    assert requests == []
