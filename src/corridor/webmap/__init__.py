"""The map: one self-contained HTML page drawn by ``runtime.js`` from a JSON data block.

``data`` composes what the page draws from one module per theme (``road``: land, corridor, road
and border; ``places``; ``settlements``; ``distances`` to the border; ``events``; ``claims``),
sharing ``convert``; ``style`` (with ``map.css`` and the scripts ``dom.js``, ``layout.js`` and
``runtime.js``) and ``legend`` say how it looks, ``safe`` keeps imported text inert, ``offline``
inlines the vendored scripts (``assets/``) and ``page`` assembles it.
"""
