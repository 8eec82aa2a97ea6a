"""Builds the GIMP plug-in's progress window with Gtk 3 outside GIMP, under Xvfb, feeds it a live preview as the
server sends it, and checks the screen shows the picture (a screenshot, saved as argv[2]).
Usage: xvfb-run -a python3 gtk_smoke.py GIMP_PLUGIN_DIR SCREENSHOT.png"""
import sys
import time

plugin_dir, shot = sys.argv[1], sys.argv[2]
sys.path.insert(0, plugin_dir)

import gi  # noqa: E402

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402

import likeness_png  # noqa: E402
from gimp_progress import ProgressWindow  # noqa: E402


class _Task:
    cancelled = False

    def cancel(self):
        self.cancelled = True
        return True


def settle(seconds=0.5):
    end = time.time() + seconds
    while time.time() < end:
        while Gtk.events_pending():
            Gtk.main_iteration()
        time.sleep(0.02)


task = _Task()
w = ProgressWindow("Likeness: generate", task)
w.window.show_all()
settle()
assert not w.preview.get_visible(), "no preview before the first one arrives"
w.update(0.5, "denoising 3/6")
gradient = bytes(v for y in range(96) for x in range(128) for v in (x * 2, y * 2, 128, 255))
w.show_preview({"step": 3, "total": 6, "png": likeness_png.encode_rgba(128, 96, gradient)})
settle()
assert w.preview.get_visible(), "the preview is shown"
assert "step 3 of 6" in w.preview.get_tooltip_text(), w.preview.get_tooltip_text()
w.show_curve([0.9])
settle(0.1)
assert not w.curve.get_visible(), "no curve before two training steps"
w.show_curve([0.9, 0.7, 0.75, 0.5, 0.4])
settle()
assert w.curve.get_visible() and "now 0.4000" in w.curve.get_tooltip_text(), w.curve.get_tooltip_text()
alloc = w.preview.get_allocation()
window = w.window.get_window()
full = Gdk.pixbuf_get_from_window(window, 0, 0, window.get_width(), window.get_height())
full.savev(shot, "png", [], [])
ca = w.curve.get_allocation()
cpix = Gdk.pixbuf_get_from_window(window, ca.x, ca.y, ca.width, ca.height)
cp, cs, cn = cpix.get_pixels(), cpix.get_rowstride(), cpix.get_n_channels()
line = sum(1 for y in range(cpix.get_height()) for x in range(cpix.get_width())
           if cp[y * cs + x * cn + 2] > 200 and cp[y * cs + x * cn] < 150)
assert line > 100, "the loss curve is drawn: %d line pixels" % line
area = Gdk.pixbuf_get_from_window(window, alloc.x, alloc.y, alloc.width, alloc.height)
px, stride, n = area.get_pixels(), area.get_rowstride(), area.get_n_channels()
colours = {px[y * stride + x * n: y * stride + x * n + 3] for y in range(0, area.get_height(), 4)
           for x in range(0, area.get_width(), 4)}
assert len(colours) > 50, "the preview on screen is a picture, not a blank: %d colours" % len(colours)
w.show_preview({"step": 4, "total": 6, "png": b"not a png"})  # a bad frame leaves the last good one
settle(0.1)
assert w.preview.get_visible()
w._response(None, Gtk.ResponseType.CANCEL)
assert task.cancelled and w.bar.get_text() == "Cancelling...", w.bar.get_text()
# the concept picker: each concept with its thumbnail (its last sample), scaled to 32 px
from gimp_picker import ConceptPicker  # noqa: E402

picked = []
picker = ConceptPicker(picked.append)
picker.fill([{"name": "my-cat", "token": "<my-cat>"}, {"name": "bare", "token": "<bare>"}],
            {"my-cat": likeness_png.encode_rgba(128, 96, gradient), "bare": None}, "my-cat")
thumb = picker.thumbnail("my-cat")
assert thumb is not None and max(thumb.get_width(), thumb.get_height()) == 32, thumb
assert picker.thumbnail("bare") is None, "a concept without samples has no thumbnail"
assert picked[-1] == "my-cat", picked
picker.combo.set_active_id("bare")
assert picked[-1] == "bare", picked
picker.failed("not running")
assert picker.combo.get_active_id() == ""
print("gtk smoke: PASS (%d colours in the preview; screenshot %s)" % (len(colours), shot))
