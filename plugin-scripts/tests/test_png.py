import os
import struct
import sys
import unittest
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import likeness_png as png  # noqa: E402


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def make_png(width, height, depth, ctype, rows, extra=()):
    """A PNG built by the test itself: `rows` are (filter byte, filtered row bytes)."""
    raw = b"".join(bytes([f]) + bytes(r) for f, r in rows)
    return (png.PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, ctype, 0, 0, 0))
            + b"".join(chunk(k, d) for k, d in extra) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_row(ftype, row, prev, bpp):
    out = bytearray(len(row))
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        pred = {0: 0, 1: a, 2: b, 3: (a + b) // 2, 4: paeth(a, b, c)}[ftype]
        out[i] = (x - pred) & 0xFF
    return out


def gradient(width, height):
    return bytes(v for y in range(height) for x in range(width)
                 for v in ((x * 37) & 255, (y * 59) & 255, (x * y) & 255, (255 - x * 11) & 255))


class PngTest(unittest.TestCase):
    def test_round_trip_rgba_keeps_alpha(self):
        px = gradient(13, 7)
        data = png.encode_rgba(13, 7, px, text={"likeness": "seed 3"})
        img = png.decode(data)
        self.assertEqual((img.width, img.height), (13, 7))
        self.assertEqual(img.pixels, px)
        self.assertEqual(img.text["likeness"], "seed 3")
        self.assertEqual(img.pixel(0, 0), (0, 0, 0, 255))

    def test_every_filter_type_decodes(self):
        w, h = 9, 6
        px = gradient(w, h)
        stride = w * 4
        rows, prev = [], bytearray(stride)
        for y in range(h):
            row = px[y * stride:(y + 1) * stride]
            ftype = y % 5
            rows.append((ftype, filter_row(ftype, row, prev, 4)))
            prev = bytearray(row)
        self.assertEqual(png.decode(make_png(w, h, 8, 6, rows)).pixels, px)

    def test_rgb_gray_and_gray_alpha(self):
        rgb = make_png(2, 1, 8, 2, [(0, [10, 20, 30, 40, 50, 60])])
        self.assertEqual(png.decode(rgb).pixels, bytes([10, 20, 30, 255, 40, 50, 60, 255]))
        gray = make_png(3, 1, 8, 0, [(0, [0, 128, 255])])
        self.assertEqual(png.decode(gray).pixels, bytes([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]))
        ga = make_png(1, 1, 8, 4, [(0, [77, 9])])
        self.assertEqual(png.decode(ga).pixels, bytes([77, 77, 77, 9]))

    def test_palette_with_transparency(self):
        data = make_png(3, 1, 8, 3, [(0, [0, 1, 2])],
                        extra=[(b"PLTE", bytes([255, 0, 0, 0, 255, 0, 0, 0, 255])), (b"tRNS", bytes([0, 128]))])
        self.assertEqual(png.decode(data).pixels, bytes([255, 0, 0, 0, 0, 255, 0, 128, 0, 0, 255, 255]))

    def test_rgb_transparent_color_key(self):
        data = make_png(2, 1, 8, 2, [(0, [1, 2, 3, 4, 5, 6])], extra=[(b"tRNS", bytes([0, 4, 0, 5, 0, 6]))])
        self.assertEqual(png.decode(data).pixels, bytes([1, 2, 3, 255, 4, 5, 6, 0]))

    def test_sixteen_bit_keeps_high_byte(self):
        data = make_png(1, 1, 16, 6, [(0, [0x12, 0x34, 0xAB, 0xCD, 0x00, 0xFF, 0xFF, 0x00])])
        self.assertEqual(png.decode(data).pixels, bytes([0x12, 0xAB, 0x00, 0xFF]))

    def test_errors_are_clear(self):
        with self.assertRaisesRegex(png.PngError, "signature"):
            png.decode(b"GIF89a....")
        good = png.encode_rgba(2, 2, bytes(16))
        with self.assertRaisesRegex(png.PngError, "truncated"):
            png.decode(good[:-20])
        broken = bytearray(good)
        broken[20] ^= 0xFF  # inside IHDR: CRC no longer matches
        with self.assertRaisesRegex(png.PngError, "CRC"):
            png.decode(bytes(broken))
        interlaced = png.PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 1)) + \
            chunk(b"IDAT", zlib.compress(b"\0\0\0\0\0")) + chunk(b"IEND", b"")
        with self.assertRaisesRegex(png.PngError, "interlaced"):
            png.decode(interlaced)
        with self.assertRaises(ValueError):
            png.encode_rgba(2, 2, bytes(15))

    def test_bgra_for_krita(self):
        red_bgra = bytes([0, 0, 255, 255, 255, 0, 0, 128])  # Krita: red opaque, blue half transparent
        img = png.decode(png.encode_bgra(2, 1, red_bgra))
        self.assertEqual(img.pixels, bytes([255, 0, 0, 255, 0, 0, 255, 128]))
        w, h, bgra = png.decode_to_bgra(png.encode_rgba(2, 1, img.pixels))
        self.assertEqual((w, h, bgra), (2, 1, red_bgra))
        self.assertEqual(png.swap_red_blue(png.swap_red_blue(gradient(4, 4))), gradient(4, 4))

    def test_masks(self):
        rgba = bytes([9, 9, 9, 0, 9, 9, 9, 200])
        self.assertEqual(png.alpha_mask_rgba(rgba), bytes([0, 0, 0, 255, 200, 200, 200, 255]))
        self.assertEqual(png.gray_mask_to_rgba(bytes([255, 3])), bytes([255, 255, 255, 255, 3, 3, 3, 255]))
        self.assertTrue(png.is_fully_opaque(bytes([1, 2, 3, 255])))
        self.assertFalse(png.is_fully_opaque(rgba))


if __name__ == "__main__":
    unittest.main()
