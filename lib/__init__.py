"""pyganeti: a pure-Python implementation of the Ganeti cluster manager."""
