"""Cluster placement tools working on iallocator input messages.

Modules here are pure: they take the JSON input message of the iallocator
protocol (``doc/iallocator.rst``) and compute answers; they import nothing
of the master or node daemons.
"""
