"""Open a GeoPackage in QGIS, report how each layer is styled, and render the map to a PNG.

Run with the system Python that has Debian's ``python3-qgis`` (not the project's venv):
``QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_render.py corridor.gpkg out.png``.
Prints one JSON object: QGIS's version and, per layer, whether it is valid, its feature count,
its renderer type, the colours of its symbols, whether labels are on (and whether they allow HTML),
and the extent. Layers named ``*_far`` and ``border_full`` are reported but not drawn.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

# Top to bottom in the picture.
ORDER = ("events", "places", "settlements", "patrols", "m4", "border_profile", "border", "corridor")


def symbol_colours(layer):
    colours = []
    for symbol in layer.renderer().symbols(_context()):
        for i in range(symbol.symbolLayerCount()):
            sl = symbol.symbolLayer(i)
            for colour in (sl.color(), getattr(sl, "strokeColor", lambda: None)()):
                if colour is not None and colour.isValid():
                    colours.append(colour.name())
            sub = sl.subSymbol()
            if sub is not None:
                colours.append(sub.color().name())
    return colours


def _context():
    from qgis.core import QgsRenderContext

    return QgsRenderContext()


def main(gpkg, png):
    app = QgsApplication([], False)
    app.initQgis()
    probe = QgsVectorLayer(gpkg, "probe", "ogr")
    names = [s.split("!!::!!")[1] for s in probe.dataProvider().subLayers()]
    report = {"qgis": Qgis.version(), "layers": {}}
    layers = {}
    for name in names:
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        info = {"valid": layer.isValid(), "features": layer.featureCount()}
        if layer.isValid() and layer.isSpatial():
            labeling = layer.labeling()
            settings = (
                labeling.settings()
                if labeling is not None and labeling.type() == "simple"
                else None
            )
            info.update(
                renderer=layer.renderer().type(),
                colours=symbol_colours(layer),
                labels=layer.labelsEnabled(),
                label_field=settings.fieldName if settings is not None else None,
                label_html=settings.format().allowHtmlFormatting()
                if settings is not None
                else None,
                extent=[
                    layer.extent().xMinimum(),
                    layer.extent().yMinimum(),
                    layer.extent().xMaximum(),
                    layer.extent().yMaximum(),
                ],
            )
            layers[name] = layer
        report["layers"][name] = info
    drawn = [layers[n] for n in ORDER if n in layers]
    settings = QgsMapSettings()
    settings.setLayers(drawn)
    settings.setDestinationCrs(layers["corridor"].crs())
    extent = QgsRectangle(layers["m4"].extent())
    extent.grow(0.05)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(1400, 800))
    settings.setBackgroundColor(QColor("#fbfaf5"))
    settings.setOutputDpi(96)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    report["png_saved"] = bool(image.save(png, "PNG"))
    report["drawn"] = [layer.name() for layer in drawn]
    print(json.dumps(report, sort_keys=True), flush=True)
    # QGIS 3.22 can crash in exitQgis() while layers still exist; the work is done and flushed.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
