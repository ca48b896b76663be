"""Generated placeholder media for the demo: covers, portraits and PDFs."""

import io
import textwrap

from django.utils.html import strip_tags
from PIL import Image, ImageDraw, ImageFont

# 3:2, the shape of list thumbnails, so nothing is cropped from the text.
COVER_SIZE = (1200, 800)
PORTRAIT_SIZE = (400, 400)
# Gradient colours of the covers, by publication type.
COVER_COLORS = {
    "special-report": ((24, 45, 84), (64, 112, 160)),
    "peace-brief": ((22, 78, 72), (84, 150, 128)),
    "peaceworks": ((70, 40, 80), (150, 96, 150)),
    "discussion-paper": ((90, 60, 30), (190, 140, 80)),
}
RELATED_COVER_COLORS = ((50, 56, 64), (120, 132, 146))


def _font(size):
    return ImageFont.load_default(size=size)


def cover_jpeg(title, label, type_slug):
    """Return a JPEG cover: a diagonal gradient with the label and the title."""
    top, bottom = COVER_COLORS.get(type_slug, RELATED_COVER_COLORS)
    width, height = COVER_SIZE
    vertical = Image.linear_gradient("L")
    mask = Image.blend(vertical, vertical.rotate(90), 0.5).resize(COVER_SIZE)
    image = Image.composite(
        Image.new("RGB", COVER_SIZE, bottom), Image.new("RGB", COVER_SIZE, top), mask
    )
    draw = ImageDraw.Draw(image)
    draw.rectangle((72, 96, 180, 104), fill=(255, 255, 255))
    draw.text((72, 128), label.upper(), font=_font(30), fill=(230, 236, 244))
    y = 200
    for line in textwrap.wrap(title, width=34)[:6]:
        draw.text((72, y), line, font=_font(54), fill=(255, 255, 255))
        y += 68
    draw.text(
        (72, height - 80), "Folio Institute", font=_font(26), fill=(220, 228, 240)
    )
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=88)
    return output.getvalue()


def portrait_png(name, color):
    """Return a PNG placeholder portrait: initials on a coloured disc."""
    image = Image.new("RGB", PORTRAIT_SIZE, (236, 239, 243))
    draw = ImageDraw.Draw(image)
    draw.ellipse((30, 30, 370, 370), fill=color)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    draw.text((200, 200), initials, font=_font(140), fill="white", anchor="mm")
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def report_pdf(item, report):
    """Return a small PDF with the report's title, teaser and summary."""
    lines = [(18, line) for line in textwrap.wrap(item["title"], 60)]
    lines.append((12, report.type_and_number))
    authorships = report.authorships.select_related("author")
    names = [authorship.author.name for authorship in authorships]
    if names:
        lines += [(11, line) for line in textwrap.wrap("By " + ", ".join(names), 90)]
    lines.append((12, ""))
    lines += [(11, line) for line in textwrap.wrap(item["teaser"], 90)]
    lines += [(11, ""), (14, "Summary")]
    for point in item["summary"]:
        wrapped = textwrap.wrap(point, 86)
        lines.append((11, f"- {wrapped[0]}"))
        lines += [(11, f"  {line}") for line in wrapped[1:]]
    lines += [(11, ""), (14, "About the Report")]
    lines += [(11, line) for line in textwrap.wrap(strip_tags(item["about"]), 90)]
    return pdf_document(lines)


def _pdf_text(text):
    encoded = text.encode("cp1252", errors="replace")
    return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf_document(lines):
    """Return a one-page PDF (Helvetica, WinAnsi) showing *lines* of (size, text)."""
    stream = io.BytesIO()
    y = 740
    for size, text in lines:
        y -= size + 6
        stream.write(
            b"BT /F1 %d Tf 72 %d Td (" % (size, y) + _pdf_text(text) + b") Tj ET\n"
        )
    content = stream.getvalue()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
        b"/Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return out.getvalue()
