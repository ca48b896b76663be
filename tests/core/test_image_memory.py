"""Checking and storing any image upload keeps a worker under 300 MB.

Each file is checked, and its thumbnail made, in a fresh interpreter that
reports its peak resident memory (VmHWM; ru_maxrss would carry over the
test runner's own peak, which Linux keeps across exec). The files are the hostile
animations that used to take a worker past a gigabyte, and the worst cases
Folio accepts: the largest image of each kind, filled with noise.
"""

import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.subprocesses import run_python

MAX_WORKER_MB = 300

WRITE_FILES = """
from pathlib import Path
from tests.hostile_images import layered_gif, png, animated_webp, noise

folder = Path(%(folder)r)
files = {
    "gif-6-frames-6000": layered_gif(sizes=[(6000, 6000)] * 6),
    "apng-6-frames-6000": png(size=(6000, 6000), frames=6),
    "webp-6-frames-6000": animated_webp(canvas=(6000, 6000), frames=6),
    "webp-canvas-12000": animated_webp(canvas=(12000, 12000), frames=1),
    "gif-frame-outgrows-screen": layered_gif(sizes=[(100, 100), (9000, 9000)]),
    "gif-400-frames": layered_gif(sizes=[(16, 16)] * 400),
    "gif-3-frames-8.9mp": layered_gif(sizes=[(2981, 2981)] * 3),
    "apng-3-frames-8.9mp": png(size=(2981, 2981), frames=3),
    "png-rgba-40mp": png(size=(6324, 6324)),
    "gif-40mp": layered_gif(sizes=[(6324, 6324)]),
    "jpeg-noise-40mp": noise("JPEG", size=(6324, 6324), grey=True, quality=15),
    "jpeg-progressive-16mp": noise(
        "JPEG", size=(4000, 4000), grey=True, quality=10, progressive=True,
        subsampling=0,
    ),
    "jpeg-cmyk-progressive-10mp": noise(
        "JPEG", size=(3162, 3162), mode="CMYK", grey=True, quality=10,
        progressive=True,
    ),
    "webp-noise-7.2mp": noise("WEBP", size=(2696, 2696), quality=50),
    "webp-rgba-noise-3.2mp": noise("WEBP", size=(1788, 1788), mode="RGBA", quality=50),
}
for name, data in files.items():
    (folder / name).write_bytes(data)
"""

CHECK_FILE = """
import json
import django
django.setup()
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from core.images import make_thumbnail
from core.uploads import clean_image_upload

with open(%(path)r, "rb") as handle:
    upload = SimpleUploadedFile("upload", handle.read())
answer = {}
try:
    cleaned = clean_image_upload(upload)
except forms.ValidationError as error:
    answer["refused"] = error.messages[0]
else:
    answer["thumbnail"] = make_thumbnail(cleaned).name
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
answer["peak_mb"] = peak_kb / 1024
print(json.dumps(answer))
"""

REFUSED = {
    "gif-6-frames-6000": "at most 8.89 megapixels are accepted in an animated image",
    "apng-6-frames-6000": "at most 8.89 megapixels are accepted in an animated image",
    "webp-6-frames-6000": "at most 10 megapixels are accepted in a WebP image",
    "webp-canvas-12000": "at most 10 megapixels are accepted in a WebP image",
    "gif-frame-outgrows-screen": "The image is too large (9000 × 9000)",
    "gif-400-frames": "The animation has more than 300 frames",
}
ACCEPTED = (
    "gif-3-frames-8.9mp",
    "apng-3-frames-8.9mp",
    "png-rgba-40mp",
    "gif-40mp",
    "jpeg-noise-40mp",
    "jpeg-progressive-16mp",
    "jpeg-cmyk-progressive-10mp",
    "webp-noise-7.2mp",
    "webp-rgba-noise-3.2mp",
)


@pytest.fixture(scope="module")
def image_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("images")
    result = run_python(WRITE_FILES % {"folder": str(folder)})
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def answers(image_files):
    """Check every file, each in its own interpreter, as many at once as cores."""
    names = [*REFUSED, *ACCEPTED]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = pool.map(lambda name: _check(image_files / name), names)
        return dict(zip(names, results, strict=True))


def _check(path):
    result = run_python(
        CHECK_FILE % {"path": str(path)}, DJANGO_SETTINGS_MODULE="config.settings.test"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", REFUSED)
def test_hostile_image_is_refused_within_the_memory_limit(answers, name):
    answer = answers[name]

    assert REFUSED[name] in answer.get("refused", ""), answer
    assert answer["peak_mb"] < MAX_WORKER_MB


@pytest.mark.parametrize("name", ACCEPTED)
def test_largest_accepted_image_is_stored_within_the_memory_limit(answers, name):
    answer = answers[name]

    assert "refused" not in answer, answer
    assert answer["thumbnail"].endswith(("-thumb.jpg", "-thumb.png"))
    assert answer["peak_mb"] < MAX_WORKER_MB
