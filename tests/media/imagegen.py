"""Real image files made with Pillow for the media tests (no fixtures from the network)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw, PngImagePlugin


def picture(width: int = 1000, height: int = 600, mode: str = "RGB",
            colour: tuple[int, ...] = (200, 60, 40)) -> Image.Image:
    """A picture with some structure (so encoders have work to do)."""
    image = Image.new(mode, (width, height), colour if mode != "P" else 3)
    draw = ImageDraw.Draw(image)
    for i in range(0, width, max(width // 10, 1)):
        fill = (i % 255, 120, 255 - i % 255) if mode in ("RGB", "RGBA") else i % 200
        draw.rectangle([i, 0, i + width // 20, height // 2], fill=fill)
    return image


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg(width: int = 1000, height: int = 600, **options) -> bytes:
    return encode(picture(width, height), "JPEG", quality=90, **options)


def png(width: int = 1000, height: int = 600, **options) -> bytes:
    return encode(picture(width, height, "RGBA", (10, 200, 90, 128)), "PNG", **options)


def webp(width: int = 1000, height: int = 600) -> bytes:
    return encode(picture(width, height), "WEBP", quality=80)


def gif(width: int = 1000, height: int = 600) -> bytes:
    return encode(picture(width, height).convert("P"), "GIF")


def animated_gif(width: int = 320, height: int = 200, frames: int = 3) -> bytes:
    images = [picture(width, height, colour=(40 * i, 90, 200)).convert("P")
              for i in range(frames)]
    return encode(images[0], "GIF", save_all=True, append_images=images[1:], duration=80,
                  loop=0)


def jpeg_with_exif(width: int = 400, height: int = 200, orientation: int = 6) -> bytes:
    """A landscape JPEG whose EXIF says 'rotate 90° clockwise to display' and names a camera
    and a GPS position (what must never leak)."""
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "LeakyCam"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}  # GPSInfo
    image = picture(width, height)
    image.paste((0, 0, 255), (0, 0, 40, 40))  # a blue marker in the top-left corner
    return encode(image, "JPEG", quality=92, exif=exif.tobytes())


def png_with_text(width: int = 300, height: int = 200) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "secret-author")
    info.add_text("Comment", "GPS 31.2304,121.4737")
    return encode(picture(width, height), "PNG", pnginfo=info)


def png_header_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims an enormous canvas (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + \
        chunk(b"IEND", b"")


def png_pixel_bomb(width: int = 8000, height: int = 6000) -> bytes:
    """A real, valid PNG of a few KB that decodes to ~48 million pixels."""
    return encode(Image.new("1", (width, height), 0), "PNG", optimize=True)


def mp4(payload: int = 2048) -> bytes:
    """A minimal ISO-BMFF file: an ``ftyp`` box (isom) and an ``mdat`` box."""
    ftyp = b"ftyp" + b"isom" + struct.pack(">I", 512) + b"isom" + b"iso2" + b"avc1" + b"mp41"
    ftyp = struct.pack(">I", len(ftyp) + 4) + ftyp
    mdat = b"mdat" + bytes(range(256)) * (payload // 256)
    return ftyp + struct.pack(">I", len(mdat) + 4) + mdat


def fake_exe() -> bytes:
    """A Windows executable header (what a renamed ``virus.exe`` -> ``cat.jpg`` carries)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + \
        b"This program cannot be run in DOS mode.\r\r\n$" + bytes(2000)


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" '
       b'height="100"><script>alert(1)</script><rect width="100" height="100"/></svg>')


def noisy_png(width: int = 400, height: int = 400) -> bytes:
    """A PNG that does not compress (Gaussian noise), for size limits."""
    return encode(Image.effect_noise((width, height), 80).convert("RGB"), "PNG")
