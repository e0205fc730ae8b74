"""The faces of hatsugen: the `hatsugen` command line and the Flask web app.

Both use one `Hatsugen` object (core.py) that composes the store and the index.
"""
