"""Writers of the output files: GeoJSON, JSON and CSV text, the GeoPackage, and the staging folder
that moves a complete set of files into place at once.
"""
