"""corridor: the M4 security corridor in Idlib (Russia–Turkey protocol of 5 March 2020) as data."""

__version__ = "0.1.0"
