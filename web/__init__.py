"""The web face of hatsugen: the Flask app, its HTML pages and their JSON twins.

Pages and API both read the one `Hatsugen` core that `create_app` puts in the app's
extensions (`views.core()`), never a module-level global.
"""
