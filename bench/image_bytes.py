"""The image bytes a phone's browser fetches for the flagship demo report.

    python bench/image_bytes.py [--width 390] [--height 844] [--dpr 1 3]
                                [--port 8120] [--screenshot PATH]

Loads the demo content into a new SQLite database and media folder, serves
the checkout it is run from with runserver (local settings), opens the first
demo report in Chromium at --width CSS pixels and each device pixel ratio,
and sums the response bodies of the page's image requests: as the page
loads, and again once it has been scrolled to the end (lazy images). Bytes,
not timings: run it from two checkouts to compare them.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project, not this folder, is what imports resolve against.
sys.path[0] = str(ROOT)

from tests.chromium import launched_chromium  # noqa: E402

FLAGSHIP = "/publications/local-ceasefires-path-to-national-talks/"


def serve(folder, port):
    """Load the demo into *folder* and start runserver; return the process."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "FOLIO_SITE_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "-v0"], ["load_demo", "-v0"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("runserver did not answer")


def _image_bytes(responses):
    images = [
        (response.url, len(response.body()))
        for response in responses
        if response.request.resource_type == "image" and response.status == 200
    ]
    return {"count": len(images), "bytes": sum(size for _url, size in images)}


def measure(browser, url, *, width, height, dpr, screenshot=None):
    """Return the image bytes of *url* as it loads and once scrolled through."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=dpr
    )
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    on_load = _image_bytes(responses)
    if screenshot:
        page.screenshot(path=screenshot)
    page_height = page.evaluate("document.documentElement.scrollHeight")
    for top in range(0, page_height, height // 2):
        page.evaluate(f"window.scrollTo(0, {top})")
        page.wait_for_timeout(50)
    page.wait_for_load_state("networkidle")
    scrolled = _image_bytes(responses)
    scrolled["images"] = sorted(
        {
            response.url.rsplit("/", 1)[-1]
            for response in responses
            if response.request.resource_type == "image"
        }
    )
    context.close()
    return {"dpr": dpr, "on_load": on_load, "scrolled": scrolled}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=390)
    parser.add_argument("--height", type=int, default=844)
    parser.add_argument("--dpr", type=float, nargs="+", default=[1, 3])
    parser.add_argument("--port", type=int, default=8120)
    parser.add_argument("--screenshot", help="Save the first view here (PNG).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="folio-image-bytes-") as folder:
        server = serve(Path(folder), args.port)
        try:
            with launched_chromium() as browser:
                results = [
                    measure(
                        browser,
                        f"http://127.0.0.1:{args.port}{FLAGSHIP}",
                        width=args.width,
                        height=args.height,
                        dpr=dpr,
                        screenshot=args.screenshot if index == 0 else None,
                    )
                    for index, dpr in enumerate(args.dpr)
                ]
        finally:
            server.terminate()
            server.wait()
    report = {"page": FLAGSHIP, "width": args.width, "runs": results}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
