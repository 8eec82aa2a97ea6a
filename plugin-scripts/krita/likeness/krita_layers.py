"""Krita nodes <-> PNG bytes (Krita's RGBA/U8 pixel data is BGRA in memory), result layers, and the document
annotations that hold each result layer's parameters and the jobs not yet fetched. UI thread only."""

import json

import likeness_jobs as jobs
import likeness_png
from likeness_client import LikenessError

from .qt_compat import QByteArray


def check_rgba8(node):
    if node.colorModel() != "RGBA" or node.colorDepth() != "U8":
        raise LikenessError("Likeness works on 8-bit RGBA layers; '%s' is %s/%s. Convert it with "
                            "Image > Convert Image Color Space." % (node.name(), node.colorModel(),
                                                                   node.colorDepth()))


def _rect(r):
    return r.x(), r.y(), r.width(), r.height()


def node_bgra(node, x, y, w, h):
    check_rgba8(node)
    # projectionPixelData includes transparency masks and group contents; pixelData is the raw paint device
    getter = getattr(node, "projectionPixelData", None) or node.pixelData
    return bytes(getter(x, y, w, h))


def node_png(node):
    """The layer's content (its bounds) as an RGBA PNG, alpha kept: a cut-out subject carries its mask."""
    x, y, w, h = _rect(node.bounds())
    if w <= 0 or h <= 0:
        raise LikenessError("Layer '%s' is empty." % node.name())
    return likeness_png.encode_bgra(w, h, node_bgra(node, x, y, w, h))


def selection_rect(doc):
    sel = doc.selection()
    if sel is None or sel.width() <= 0 or sel.height() <= 0:
        return None
    return sel.x(), sel.y(), sel.width(), sel.height()


def generation_area(doc):
    """(x, y, w, h): where generated layers go and their default size: the selection, else the canvas."""
    return selection_rect(doc) or (0, 0, doc.width(), doc.height())


def source_region(doc, node):
    """Region a retouch/refine works on: the selection within the layer, or the layer's bounds, cut down to
    multiples of 8 (the server's size rule) so the result covers exactly the same pixels."""
    x, y, w, h = _rect(node.bounds())
    if w <= 0 or h <= 0:
        x, y, w, h = 0, 0, doc.width(), doc.height()
    sel = selection_rect(doc)
    if sel is not None:
        sx, sy, sw, sh = sel
        nx, ny = max(x, sx), max(y, sy)
        nw, nh = min(x + w, sx + sw) - nx, min(y + h, sy + sh) - ny
        if nw > 0 and nh > 0:
            x, y, w, h = nx, ny, nw, nh
    return x, y, max(8, w // 8 * 8), max(8, h // 8 * 8)


def region_png(node, region):
    x, y, w, h = region
    return likeness_png.encode_bgra(w, h, node_bgra(node, x, y, w, h))


def selection_mask_png(doc, region):
    sel = doc.selection()
    if sel is None:
        return None
    x, y, w, h = region
    gray = bytes(sel.pixelData(x, y, w, h))
    return likeness_png.encode_rgba(w, h, likeness_png.gray_mask_to_rgba(gray))


def add_result_layer(doc, above, result, x, y):
    """A new paint layer from a Result, directly above `above` (or on top), with its pixels at (x, y)."""
    width, height, bgra = likeness_png.decode_to_bgra(result.png)
    node = doc.createNode(result.name, "paintlayer")
    parent = above.parentNode() if above is not None else doc.rootNode()
    parent.addChildNode(node, above)
    node.setPixelData(QByteArray(bgra), x, y, width, height)
    params = get_json(doc, jobs.PARAMS_KEY, {})
    params[node_key(node)] = result.metadata
    set_json(doc, jobs.PARAMS_KEY, params, "Likeness: parameters of each generated layer")
    return node


def node_key(node):
    return node.uniqueId().toString()


def layer_params(doc, node):
    return get_json(doc, jobs.PARAMS_KEY, {}).get(node_key(node))


def get_text(doc, key):
    data = doc.annotation(key)
    return bytes(data).decode("utf-8", "replace") if data is not None else ""


def set_text(doc, key, text, description="Likeness"):
    doc.setAnnotation(key, description, QByteArray(text.encode("utf-8")))


def get_json(doc, key, default):
    text = get_text(doc, key)
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default


def set_json(doc, key, value, description):
    set_text(doc, key, json.dumps(value, sort_keys=True), description)


def find_node(doc, name):
    return doc.nodeByName(name) if name else None


def selected_layers(doc):
    """The layers selected in the Layers docker, or the active layer (no window in batch runs)."""
    try:
        from krita import Krita
        view = Krita.instance().activeWindow().activeView()
        nodes = [n for n in view.selectedNodes() if n.type() in ("paintlayer", "grouplayer", "vectorlayer")]
        if nodes:
            return nodes
    except AttributeError:
        pass
    node = doc.activeNode()
    return [node] if node is not None else []
