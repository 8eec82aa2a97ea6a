"""PNG encode/decode in pure Python (zlib only), and RGBA <-> BGRA.

Layers travel to the server as 8-bit RGBA PNGs (alpha kept, so a cut-out subject carries its mask) and results
come back as PNGs of any common 8/16-bit non-interlaced kind. GIMP works in R'G'B'A u8 (the same byte order as
RGBA here); Krita's RGBA/U8 nodes are BGRA in memory.
"""

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# color type -> samples per pixel
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


class PngError(ValueError):
    """The bytes are not a PNG this module can read."""


class RgbaImage:
    """8-bit straight-alpha RGBA pixels, rows top to bottom."""

    __slots__ = ("width", "height", "pixels", "text")

    def __init__(self, width, height, pixels, text=None):
        if len(pixels) != width * height * 4:
            raise ValueError("expected %d bytes for %dx%d RGBA, got %d"
                             % (width * height * 4, width, height, len(pixels)))
        self.width = width
        self.height = height
        self.pixels = bytes(pixels)
        self.text = dict(text or {})

    def pixel(self, x, y):
        i = (y * self.width + x) * 4
        return tuple(self.pixels[i:i + 4])


def _chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_rgba(width, height, rgba, text=None, level=6):
    """PNG bytes (color type 6, 8 bits) from width*height*4 RGBA bytes; `text` adds tEXt chunks."""
    if width <= 0 or height <= 0:
        raise ValueError("image must not be empty")
    if len(rgba) != width * height * 4:
        raise ValueError("expected %d bytes for %dx%d RGBA, got %d" % (width * height * 4, width, height, len(rgba)))
    stride = width * 4
    raw = bytearray()
    view = memoryview(rgba)
    for y in range(height):
        raw.append(0)  # filter "None": encoding speed matters more than size for a local upload
        raw += view[y * stride:(y + 1) * stride]
    out = [PNG_SIGNATURE, _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))]
    for key, value in (text or {}).items():
        out.append(_chunk(b"tEXt", key.encode("latin-1") + b"\0" + str(value).encode("latin-1", "replace")))
    out.append(_chunk(b"IDAT", zlib.compress(bytes(raw), level)))
    out.append(_chunk(b"IEND", b""))
    return b"".join(out)


def encode_bgra(width, height, bgra, text=None):
    """PNG bytes from Krita-order BGRA pixels."""
    return encode_rgba(width, height, swap_red_blue(bgra), text)


def _read_chunks(data):
    if not data.startswith(PNG_SIGNATURE):
        raise PngError("not a PNG (bad signature)")
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 8 + length
        if end + 4 > len(data):
            raise PngError("truncated PNG (chunk %r)" % kind)
        body = data[pos + 4:end]
        (crc,) = struct.unpack(">I", data[end:end + 4])
        if zlib.crc32(body) & 0xFFFFFFFF != crc:
            raise PngError("corrupt PNG (CRC mismatch in %r)" % kind)
        yield kind, body[4:]
        if kind == b"IEND":
            return
        pos = end + 4
    raise PngError("truncated PNG (no IEND)")


def _unfilter(raw, height, stride, bpp):
    out = bytearray(height * stride)
    prev = bytearray(stride)
    pos = 0
    for y in range(height):
        ftype = raw[pos]
        line = bytearray(raw[pos + 1:pos + 1 + stride])
        pos += stride + 1
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ftype == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xFF
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        elif ftype != 0:
            raise PngError("corrupt PNG (filter type %d in row %d)" % (ftype, y))
        out[y * stride:(y + 1) * stride] = line
        prev = line
    return out


def decode(data):
    """RgbaImage from PNG bytes: gray, gray+alpha, RGB, RGBA, palette; 8 or 16 bits; non-interlaced."""
    header = None
    palette = None
    trns = None
    idat = []
    text = {}
    for kind, body in _read_chunks(bytes(data)):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"tRNS":
            trns = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"tEXt" and b"\0" in body:
            key, value = body.split(b"\0", 1)
            text[key.decode("latin-1")] = value.decode("latin-1")
    if header is None:
        raise PngError("PNG without IHDR")
    width, height, depth, ctype, _compression, _filter, interlace = header
    if ctype not in _CHANNELS:
        raise PngError("unsupported PNG color type %d" % ctype)
    if depth not in (8, 16) or (ctype == 3 and depth != 8):
        raise PngError("unsupported PNG bit depth %d for color type %d" % (depth, ctype))
    if interlace:
        raise PngError("interlaced PNGs are not supported")
    channels = _CHANNELS[ctype]
    bpp = channels * depth // 8
    stride = width * bpp
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as e:
        raise PngError("corrupt PNG image data (%s)" % e)
    if len(raw) < height * (stride + 1):
        raise PngError("truncated PNG image data")
    samples = _unfilter(raw, height, stride, bpp)
    if depth == 16:
        samples = samples[0::2]  # keep the high byte of each big-endian sample
    return RgbaImage(width, height, _to_rgba(samples, width * height, ctype, palette, trns, depth), text)


def _to_rgba(s, n, ctype, palette, trns, depth):
    out = bytearray(n * 4)
    if ctype == 6:
        return s
    if ctype == 2:
        out[0::4], out[1::4], out[2::4] = s[0::3], s[1::3], s[2::3]
        out[3::4] = b"\xff" * n
        if trns is not None and len(trns) >= 6:
            # tRNS holds 16-bit values; 8-bit images use the low byte, 16-bit ones kept their high byte
            key = bytes((trns[1], trns[3], trns[5])) if depth == 8 else bytes((trns[0], trns[2], trns[4]))
            for i in range(n):
                if s[i * 3:i * 3 + 3] == key:
                    out[i * 4 + 3] = 0
        return out
    if ctype == 0:
        out[0::4] = out[1::4] = out[2::4] = s
        out[3::4] = b"\xff" * n
        if trns is not None and len(trns) >= 2:
            key = trns[1] if depth == 8 else trns[0]
            for i in range(n):
                if s[i] == key:
                    out[i * 4 + 3] = 0
        return out
    if ctype == 4:
        g = s[0::2]
        out[0::4] = out[1::4] = out[2::4] = g
        out[3::4] = s[1::2]
        return out
    # palette
    if palette is None:
        raise PngError("palette PNG without PLTE")
    colors = len(palette) // 3
    alphas = bytes(trns or b"") + b"\xff" * colors
    table = [palette[i * 3:i * 3 + 3] + alphas[i:i + 1] for i in range(colors)]
    try:
        return bytearray(b"".join(table[i] for i in s))
    except IndexError:
        raise PngError("palette index out of range")


def swap_red_blue(pixels):
    """RGBA <-> BGRA (the same swap both ways)."""
    out = bytearray(pixels)
    out[0::4] = pixels[2::4]
    out[2::4] = pixels[0::4]
    return bytes(out)


def decode_to_bgra(data):
    """(width, height, BGRA bytes) for Krita's setPixelData."""
    img = decode(data)
    return img.width, img.height, swap_red_blue(img.pixels)


def is_fully_opaque(rgba):
    return rgba[3::4].count(255) == len(rgba) // 4


def alpha_mask_rgba(rgba):
    """An RGBA image whose gray level is the alpha of `rgba` (white = subject), opaque: the mask upload."""
    a = rgba[3::4]
    out = bytearray(len(rgba))
    out[0::4] = out[1::4] = out[2::4] = a
    out[3::4] = b"\xff" * (len(rgba) // 4)
    return bytes(out)


def gray_mask_to_rgba(gray):
    """Opaque RGBA from 8-bit mask bytes (a selection)."""
    out = bytearray(len(gray) * 4)
    out[0::4] = out[1::4] = out[2::4] = gray
    out[3::4] = b"\xff" * len(gray)
    return bytes(out)
