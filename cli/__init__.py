"""The command line, on top of the core and the adapters (a composition root, like `app.py` and `loader.py`).

`python -m reporting COMMAND` (demo, check, summary, export) runs `cli.reports`; `python -m sheets setup`
runs `cli.provision`. Both entry points are thin: they only call `main`.
"""
