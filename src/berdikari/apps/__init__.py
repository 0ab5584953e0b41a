"""The Voila apps: one module per app (``owner`` …) plus the widgets they share (``widgets``).

Apps never touch the database directly: they call the service layer in ``berdikari.store``.
"""
