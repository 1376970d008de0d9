"""The map: one self-contained HTML page drawn by ``runtime.js`` from a JSON data block.

``data`` computes what the page draws, ``style`` and ``legend`` say how it looks, ``safe`` keeps
imported text inert, ``offline`` inlines the vendored scripts (``assets/``) and ``page`` assembles it.
"""
