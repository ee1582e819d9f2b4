"""Turning received bytes into what the library stores: pure functions, no database, no IO.

An image is trusted only after Pillow has opened it as one of the allowed formats, checked
its pixel count *before* decoding (decompression bombs), verified and fully decoded it. It
is then re-encoded from pixels, so EXIF, XMP, comments and ICC profiles never reach the
stored file (orientation is applied first, colours converted to sRGB). File names and client
content types are never consulted. An mp4 is recognised by its ``ftyp`` box alone.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageCms, ImageFile, ImageOps, ImageSequence

from runtime.media.errors import MediaErrorCode, MediaRejected, too_large, unsupported

ImageFile.LOAD_TRUNCATED_IMAGES = False

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp",
                 "GIF": "image/gif"}
MP4_BRANDS = frozenset({b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41",
                        b"mp42", b"avc1", b"M4V ", b"dash", b"mmp4", b"MSNV"})


@dataclass(frozen=True)
class MediaLimits:
    """Caps applied to every file; ``from_settings`` reads the configurable ones."""

    max_image_bytes: int = 10 * 1024 * 1024
    max_video_bytes: int = 30 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_frames: int = 300
    max_animation_pixels: int = 120_000_000
    thumbnail_widths: tuple[int, ...] = (150, 300, 750)

    @classmethod
    def from_settings(cls, settings: object) -> MediaLimits:
        return cls(max_image_bytes=settings.max_upload_bytes,  # type: ignore[attr-defined]
                   max_video_bytes=settings.max_video_bytes)  # type: ignore[attr-defined]

    @property
    def max_bytes(self) -> int:
        return max(self.max_image_bytes, self.max_video_bytes)


@dataclass(frozen=True)
class ProcessedMedia:
    """The bytes to store, what they are, and their thumbnails by width (images only)."""

    kind: str
    format: str
    content_type: str
    extension: str
    data: bytes
    width: int | None = None
    height: int | None = None
    thumbnails: dict[int, bytes] = field(default_factory=dict)


def looks_like_mp4(data: bytes) -> bool:
    """An ISO base media file whose first box is ``ftyp`` with an mp4 brand."""
    if len(data) < 16 or data[4:8] != b"ftyp":
        return False
    box_size = int.from_bytes(data[0:4], "big")
    if box_size < 16 or box_size > 4096 or box_size > len(data):
        return False
    brands = {data[8:12]} | {data[i:i + 4] for i in range(16, box_size - 3, 4)}
    return bool(brands & MP4_BRANDS)


def process_upload(data: bytes, limits: MediaLimits) -> ProcessedMedia:
    """Accept an image (JPEG/PNG/WebP/GIF) or an mp4, or raise :class:`MediaRejected`."""
    if not data:
        raise MediaRejected(MediaErrorCode.EMPTY_FILE, "the file is empty")
    if looks_like_mp4(data):
        if len(data) > limits.max_video_bytes:
            raise too_large(f"videos may be at most {_mib(limits.max_video_bytes)}")
        return ProcessedMedia(kind="video", format="MP4", content_type="video/mp4",
                              extension="mp4", data=data)
    if len(data) > limits.max_image_bytes:
        raise too_large(f"images may be at most {_mib(limits.max_image_bytes)}")
    return process_image(data, limits)


def process_image(data: bytes, limits: MediaLimits) -> ProcessedMedia:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _process_image(data, limits)
        except MediaRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(limits) from None
        except Exception as exc:  # Pillow raises many types for broken files
            raise unsupported(
                "the file is not a complete JPEG, PNG, WebP or GIF image "
                f"({type(exc).__name__})") from None


def _process_image(data: bytes, limits: MediaLimits) -> ProcessedMedia:
    probe = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    if probe.format not in ALLOWED_FORMATS:
        raise unsupported("only JPEG, PNG, WebP and GIF images are accepted")
    width, height = probe.size
    if width < 1 or height < 1 or width * height > limits.max_pixels:
        raise _too_many_pixels(limits)
    frames = getattr(probe, "n_frames", 1)
    if frames > limits.max_frames or width * height * frames > limits.max_animation_pixels:
        raise MediaRejected(MediaErrorCode.TOO_MANY_PIXELS,
                            f"animations may have at most {limits.max_frames} frames "
                            f"and {limits.max_animation_pixels} pixels in all")
    probe.verify()

    image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    fmt = image.format or ""
    if getattr(image, "is_animated", False):
        frames_rgba, durations, loop = _decode_frames(image)
        stored = _encode_animation(frames_rgba, durations, loop, fmt)
        first = frames_rgba[0]
    else:
        image.load()
        first = _to_srgb(ImageOps.exif_transpose(image))
        stored = _encode_still(first, fmt, image.info.get("transparency"))
    thumbnails = {w: _encode_thumbnail(first, w, fmt) for w in limits.thumbnail_widths
                  if w < first.width}
    return ProcessedMedia(kind="image", format=fmt, content_type=CONTENT_TYPES[fmt],
                          extension=EXTENSIONS[fmt], data=stored, width=first.width,
                          height=first.height, thumbnails=thumbnails)


def _too_many_pixels(limits: MediaLimits) -> MediaRejected:
    return MediaRejected(MediaErrorCode.TOO_MANY_PIXELS,
                         f"images may have at most {limits.max_pixels} pixels")


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB"


def _decode_frames(image: Image.Image) -> tuple[list[Image.Image], list[int], int]:
    frames: list[Image.Image] = []
    durations: list[int] = []
    for frame in ImageSequence.Iterator(image):
        frame.load()
        frames.append(frame.convert("RGBA"))
        durations.append(max(int(frame.info.get("duration", 100) or 100), 20))
    return frames, durations, int(image.info.get("loop", 0) or 0)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Pixels in sRGB with no profile attached; palette and alpha modes kept where possible."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        try:
            converted = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"), outputMode=out_mode)
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit grey PNG: scale, not clip
        image = image.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    elif image.mode in ("CMYK", "YCbCr", "LAB", "HSV", "F"):
        image = image.convert("RGB")
    clean = image.copy()
    clean.info = {}
    return clean


def _encode_still(image: Image.Image, fmt: str, transparency: object) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90, optimize=True, progressive=True)
    elif fmt == "PNG":
        extra = {"transparency": transparency} if transparency is not None and \
            image.mode in ("P", "L", "RGB") else {}
        image.save(out, "PNG", optimize=True, **extra)
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if _has_alpha(image, transparency) else "RGB")
        image.save(out, "WEBP", quality=90, method=4)
    else:  # GIF
        extra = {"transparency": transparency} if transparency is not None and \
            image.mode == "P" else {}
        image.save(out, "GIF", **extra)
    return out.getvalue()


def _encode_animation(frames: list[Image.Image], durations: list[int], loop: int,
                      fmt: str) -> bytes:
    out = io.BytesIO()
    target = fmt if fmt in ("GIF", "WEBP", "PNG") else "GIF"
    options: dict[str, object] = {"save_all": True, "append_images": frames[1:],
                                  "duration": durations, "loop": loop}
    if target == "GIF":
        options["disposal"] = 2
    if target == "WEBP":
        options["quality"] = 90
    frames[0].save(out, target, **options)
    return out.getvalue()


def _has_alpha(image: Image.Image, transparency: object) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or transparency is not None


def _encode_thumbnail(image: Image.Image, width: int, fmt: str) -> bytes:
    height = max(1, round(image.height * width / image.width))
    if image.mode == "P" or image.mode == "LA":
        image = image.convert("RGBA")
    elif image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGB")
    thumb = image.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "JPEG":
        thumb.convert("RGB").save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "WEBP":
        thumb.save(out, "WEBP", quality=85, method=4)
    else:  # PNG, and GIF thumbnails as a still PNG of the first frame
        thumb.save(out, "PNG", optimize=True)
    return out.getvalue()


def thumbnail_extension(fmt: str) -> str:
    return {"JPEG": "jpg", "WEBP": "webp"}.get(fmt, "png")
