"""The geography: named places, the M4, the corridor buffered around it, and the border.

Data flows one way through the wing: ``places`` → ``route`` → ``buffer`` → ``border``, composed by
``model.compute``; ``projection`` and ``geodesy`` hold the metric projection and the geodesic truth
that every distance is checked against, ``accuracy`` measures the buffer against it.
"""
