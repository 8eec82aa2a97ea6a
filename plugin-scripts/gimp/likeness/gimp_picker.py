"""The concept picker of GIMP's dialogs: each concept with its thumbnail (its last training sample), filled from
the server in the background. Only Gtk, so it can be checked outside GIMP (ci/gtk_smoke.py)."""

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf, GLib, Gtk  # noqa: E402

THUMB = 32


class ConceptPicker:
    def __init__(self, on_changed):
        self.store = Gtk.ListStore(str, str, GdkPixbuf.Pixbuf)  # name ("" = none), label, thumbnail
        self.combo = Gtk.ComboBox.new_with_model(self.store)
        self.combo.set_id_column(0)
        icon = Gtk.CellRendererPixbuf()
        self.combo.pack_start(icon, False)
        self.combo.add_attribute(icon, "pixbuf", 2)
        text = Gtk.CellRendererText()
        self.combo.pack_start(text, True)
        self.combo.add_attribute(text, "text", 1)
        self.store.append(["", "(loading concepts...)", None])
        self.combo.set_active_id("")
        self.combo.connect("changed", lambda _c: on_changed(self.combo.get_active_id() or ""))

    def fill(self, concepts, thumbnails, selected=""):
        """`thumbnails`: name -> PNG bytes (or None); `selected`: the concept to keep picked."""
        self.store.clear()
        self.store.append(["", "(none)", None])
        for c in concepts:
            self.store.append([c["name"], "%s  %s" % (c["name"], c.get("token", "")),
                               _pixbuf(thumbnails.get(c["name"]))])
        self.combo.set_active_id(selected or "")

    def failed(self, message):
        self.store.clear()
        self.store.append(["", "(server: %s)" % message, None])
        self.combo.set_active_id("")

    def thumbnail(self, name):
        for row in self.store:
            if row[0] == name:
                return row[2]
        return None


def _pixbuf(png):
    if not png:
        return None
    loader = GdkPixbuf.PixbufLoader.new_with_type("png")
    try:
        loader.write(png)
        loader.close()
    except GLib.Error:
        return None
    pix = loader.get_pixbuf()
    scale = THUMB / max(pix.get_width(), pix.get_height())
    return pix.scale_simple(max(1, round(pix.get_width() * scale)), max(1, round(pix.get_height() * scale)),
                            GdkPixbuf.InterpType.BILINEAR)
