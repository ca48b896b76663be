"""Image files for the upload tests: small animations, bombs and worst cases.

The hostile animations are written chunk by chunk, so making one never takes
the memory decoding it would: six 6000 × 6000 frames cost a few megabytes.
"""

import io
import os
import struct
import zlib

from PIL import Image

PALETTE = [value for index in range(256) for value in (index, 255 - index, index)]


def animation(image_format, *, size=(40, 30), frames=3):
    """Return a small animation, each frame a different solid colour."""
    images = []
    for number in range(frames):
        frame = Image.new("P", size, number)
        frame.putpalette(PALETTE)
        images.append(frame if image_format == "GIF" else frame.convert("RGBA"))
    output = io.BytesIO()
    images[0].save(
        output,
        format=image_format,
        save_all=True,
        append_images=images[1:],
        duration=100,
        loop=0,
    )
    return output.getvalue()


def layered_gif(*, sizes, screen=None):
    """Return a GIF of solid frames, one of each size in *sizes*.

    The logical screen is *screen*, by default the first frame's size; a
    later, larger frame makes decoders enlarge the image when they reach it.
    """
    blocks = []
    for size in sizes:
        frame = Image.new("P", size, 0)
        frame.putpalette(PALETTE[:6])
        output = io.BytesIO()
        frame.save(output, format="GIF")
        data = output.getvalue()
        flags = data[10]
        table_end = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
        if not blocks:
            header = bytearray(data[:table_end])
            header[6:10] = struct.pack("<HH", *(screen or size))
        blocks.append(data[data.index(b",", table_end) : data.rindex(b";")])
    loop = b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    # Graphic control: restore to background, 0.1 s a frame.
    control = b"!\xf9\x04\x08\x0a\x00\x00\x00"
    return bytes(header) + loop + b"".join(control + block for block in blocks) + b";"


def png(*, size, frames=1):
    """Return a transparent RGBA PNG of *size*, an APNG if *frames* > 1.

    Each frame of an APNG restores the previous one when it ends and is
    drawn over it: the disposal that makes decoders keep the most copies.
    """
    width, height = size
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + 4 * width)
    pixels = b"".join(compressor.compress(row) for _ in range(height))
    pixels += compressor.flush()
    chunks = [
        _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
    ]
    if frames == 1:
        chunks.append(_png_chunk(b"IDAT", pixels))
    else:
        chunks.append(_png_chunk(b"acTL", struct.pack(">II", frames, 0)))
    sequence = 0
    for number in range(frames if frames > 1 else 0):
        control = struct.pack(">IIIIIHHBB", sequence, width, height, 0, 0, 1, 10, 2, 1)
        chunks.append(_png_chunk(b"fcTL", control))
        sequence += 1
        if number == 0:
            chunks.append(_png_chunk(b"IDAT", pixels))
        else:
            chunks.append(_png_chunk(b"fdAT", struct.pack(">I", sequence) + pixels))
            sequence += 1
    chunks.append(_png_chunk(b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def animated_webp(*, canvas, frames):
    """Return an animated WebP: *frames* 1 × 1 frames on a *canvas* (w, h)."""
    pixel = io.BytesIO()
    Image.new("RGBA", (1, 1), (200, 0, 0, 255)).save(
        pixel, format="WEBP", lossless=True
    )
    bitstream = pixel.getvalue()[12:]  # the VP8L chunk, after the RIFF header
    width, height = canvas
    # Flags: animation (bit 1) and alpha (bit 4).
    chunks = [
        _riff_chunk(
            b"VP8X", bytes([0x12, 0, 0, 0]) + _u24(width - 1) + _u24(height - 1)
        ),
        _riff_chunk(b"ANIM", b"\xff\xff\xff\xff" + struct.pack("<H", 0)),
    ]
    for _ in range(frames):
        frame = _u24(0) + _u24(0) + _u24(0) + _u24(0) + _u24(100) + b"\x00"
        chunks.append(_riff_chunk(b"ANMF", frame + bitstream))
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def noise(image_format, *, size, mode="RGB", grey=False, **options):
    """Return *size* of random pixels in *mode*, encoded as *image_format*.

    Noise is what encoders and their buffers work hardest on: the worst case.
    *grey* noise (every band alike) compresses better, to fit a bigger image
    under the byte limit; *options* go to the encoder.
    """
    bands = 1 if grey else len(mode)
    pixels = os.urandom(size[0] * size[1] * bands)
    image = Image.frombytes("L" if grey else mode, size, pixels).convert(mode)
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def _png_chunk(kind, data):
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _riff_chunk(kind, data):
    padding = b"\x00" if len(data) % 2 else b""
    return kind + struct.pack("<I", len(data)) + data + padding


def _u24(value):
    return value.to_bytes(3, "little")
