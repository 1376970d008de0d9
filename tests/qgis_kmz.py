"""Open a KMZ in QGIS (GDAL's LIBKML driver, which is Google's libkml) and report what it read.

Run with the system Python that has Debian's ``python3-qgis``:
``QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_kmz.py corridor.kmz``.
Prints one JSON object: QGIS's version and, per folder (QGIS shows each as a layer), whether the
layer is valid, its geometry type, how many placemarks it holds, how many carry a time
(``timestamp`` or ``begin``), and the placemarks' names as QGIS holds them.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import Qgis, QgsApplication, QgsVectorLayer, QgsWkbTypes


def main(kmz):
    app = QgsApplication([], False)
    app.initQgis()
    probe = QgsVectorLayer(kmz, "probe", "ogr")
    report = {
        "qgis": Qgis.version(),
        "driver": probe.dataProvider().storageType(),
        "folders": {},
    }
    for sub in probe.dataProvider().subLayers():
        name = sub.split("!!::!!")[1]
        layer = QgsVectorLayer(f"{kmz}|layername={name}", name, "ogr")
        names, dated = [], 0
        fields = layer.fields().names()
        for feature in layer.getFeatures():
            names.append(str(feature["Name"]) if "Name" in fields else "")
            for field in ("timestamp", "begin"):
                value = feature[field] if field in fields else None
                if value is not None and str(value) not in ("", "NULL"):
                    dated += 1
                    break
        report["folders"][name] = {
            "valid": layer.isValid(),
            "geometry": QgsWkbTypes.geometryDisplayString(layer.geometryType()),
            "features": len(names),
            "dated": dated,
            "names": names,
        }
    print(json.dumps(report, sort_keys=True, ensure_ascii=True), flush=True)
    # QGIS 3.22 can crash in exitQgis() while layers still exist; the work is done and flushed.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1])
