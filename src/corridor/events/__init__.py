"""Events: the project's catalogue, the user's imported files, and their tags against the corridor.

``catalogue`` reads ``geodata/events.json``; ``grades`` reads ``geodata/sources.csv`` (how far to
trust each source's site); ``readers`` reads ACLED, CSV and GeoJSON files;
``tagging`` measures every point against the road, the corridor and the border; ``period`` says
whether the corridor was in force at each event's date; ``layer`` makes the
event and patrol GeoDataFrames.
"""
