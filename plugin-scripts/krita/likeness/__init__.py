"""Likeness for Krita 5.1+ / 6: a docker (Settings > Dockers > Likeness) and menu actions (Tools > Scripts).

The shared modules (likeness_client, likeness_jobs, likeness_png, likeness_tasks) are installed inside this
package folder; in the source tree they live in plugin-scripts/common.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
for _path in (_HERE, os.path.join(_HERE, "..", "..", "common")):
    if os.path.isfile(os.path.join(_path, "likeness_client.py")) and _path not in sys.path:
        sys.path.insert(0, _path)

from krita import DockWidgetFactory, DockWidgetFactoryBase, Krita  # noqa: E402

from .docker import DOCKER_ID, LikenessDocker  # noqa: E402
from .extension import LikenessExtension  # noqa: E402


def _register():
    app = Krita.instance()
    app.addExtension(LikenessExtension(app))
    right = getattr(DockWidgetFactoryBase, "DockRight", None)
    if right is None:
        right = DockWidgetFactoryBase.DockPosition.DockRight
    app.addDockWidgetFactory(DockWidgetFactory(DOCKER_ID, right, LikenessDocker))


_register()
