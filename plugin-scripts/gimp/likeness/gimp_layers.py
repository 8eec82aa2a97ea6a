"""GIMP 3 layers <-> PNG bytes, result layers, and parasites. Runs on the plug-in's main thread only.

Pixels are always read and written as "R'G'B'A u8": sRGB bytes. Plain "RGBA u8" is linear light in GIMP 3
(a stored 128 reads back as 55), which would darken everything sent to the server.
"""

import json

import gi

gi.require_version("Gimp", "3.0")
gi.require_version("Gegl", "0.4")
from gi.repository import Gegl, Gimp  # noqa: E402

import likeness_jobs as jobs  # noqa: E402
import likeness_png  # noqa: E402

FORMAT = "R'G'B'A u8"
MASK_FORMAT = "Y u8"


def _get(drawable, x, y, w, h, fmt=FORMAT):
    buf = drawable.get_buffer()
    return bytes(buf.get(Gegl.Rectangle.new(x, y, w, h), 1.0, fmt, Gegl.AbyssPolicy.NONE))


def layer_rgba(layer, x=0, y=0, w=None, h=None):
    """RGBA bytes of a layer region (layer coordinates), with the layer mask folded into alpha."""
    w = layer.get_width() if w is None else w
    h = layer.get_height() if h is None else h
    rgba = bytearray(_get(layer, x, y, w, h))
    mask = layer.get_mask() if isinstance(layer, Gimp.Layer) else None
    if mask is not None:
        m = _get(mask, x, y, w, h, MASK_FORMAT)
        rgba[3::4] = bytes(a * b // 255 for a, b in zip(rgba[3::4], m))
    return w, h, bytes(rgba)


def layer_png(layer):
    w, h, rgba = layer_rgba(layer)
    return likeness_png.encode_rgba(w, h, rgba)


def selection_bounds(image):
    """(x, y, w, h) of the selection in image coordinates, or None when nothing is selected."""
    result = Gimp.Selection.bounds(image)
    _ok, non_empty, x1, y1, x2, y2 = result
    if not non_empty:
        return None
    return x1, y1, x2 - x1, y2 - y1


def source_region(image, layer):
    """Image-coordinate region a retouch/refine works on: the selection within the layer, or the whole layer,
    cut down to multiples of 8 (the server's size rule) so the result covers exactly the same pixels."""
    _ok, lx, ly = layer.get_offsets()
    x, y, w, h = lx, ly, layer.get_width(), layer.get_height()
    sel = selection_bounds(image)
    if sel is not None:
        sx, sy, sw, sh = sel
        nx, ny = max(x, sx), max(y, sy)
        nw, nh = min(x + w, sx + sw) - nx, min(y + h, sy + sh) - ny
        if nw > 0 and nh > 0:
            x, y, w, h = nx, ny, nw, nh
    w, h = max(8, w // 8 * 8), max(8, h // 8 * 8)
    return x, y, w, h


def region_png(layer, region):
    """PNG of `region` (image coordinates) of a layer."""
    _ok, lx, ly = layer.get_offsets()
    x, y, w, h = region
    _w, _h, rgba = layer_rgba(layer, x - lx, y - ly, w, h)
    return likeness_png.encode_rgba(w, h, rgba)


def selection_mask_png(image, region):
    """The selection over `region` as an opaque gray PNG (white = change), or None without a selection."""
    if selection_bounds(image) is None:
        return None
    x, y, w, h = region
    gray = _get(image.get_selection(), x, y, w, h, MASK_FORMAT)
    return likeness_png.encode_rgba(w, h, likeness_png.gray_mask_to_rgba(gray))


def generation_area(image):
    """(x, y, width, height): where generated layers go and their default size (selection, else canvas)."""
    sel = selection_bounds(image)
    if sel is not None:
        return sel
    return 0, 0, image.get_width(), image.get_height()


def add_result_layer(image, above, result, x, y):
    """A new layer from a Result (PNG + metadata), above `above` (or on top), at image position (x, y)."""
    img = likeness_png.decode(result.png)
    layer = Gimp.Layer.new(image, result.name, img.width, img.height, Gimp.ImageType.RGBA_IMAGE, 100.0,
                           Gimp.LayerMode.NORMAL)
    parent = above.get_parent() if above is not None else None
    position = image.get_item_position(above) if above is not None else 0
    image.insert_layer(layer, parent, position)
    layer.set_offsets(x, y)
    buf = layer.get_buffer()
    buf.set(Gegl.Rectangle.new(0, 0, img.width, img.height), FORMAT, img.pixels)
    buf.flush()
    layer.update(0, 0, img.width, img.height)
    set_text(layer, jobs.PARAMS_KEY, result.params_json())
    return layer


def set_text(item, key, text):
    """Stores text on a layer or image as a persistent parasite (kept in XCF files)."""
    data = text.encode("utf-8")
    item.attach_parasite(Gimp.Parasite.new(key, Gimp.PARASITE_PERSISTENT | Gimp.PARASITE_UNDOABLE, list(data)))


def get_text(item, key):
    parasite = item.get_parasite(key)
    if parasite is None:
        return ""
    return bytes(parasite.get_data()).decode("utf-8", "replace")


def layer_params(layer):
    text = get_text(layer, jobs.PARAMS_KEY)
    return json.loads(text) if text else None


def find_layer(image, name):
    for layer in image.get_layers():
        if layer.get_name() == name:
            return layer
    return None
