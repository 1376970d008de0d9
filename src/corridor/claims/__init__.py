"""Claims: what the seed articles state, checked against the model and the catalogue.

``seeds`` reads the structured article records, ``checks`` and ``timeline`` hold the geographic and
calendar checks (tolerances in ``base``), ``check`` runs them all and ``report`` writes the table.
"""
