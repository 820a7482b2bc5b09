"""The migration report: ``flake8-pymongo-async report PATH... [--format markdown|json|html] [-o FILE]``.

``collect`` checks every file and asks the fixer which findings it can fix (safely, with
``--unsafe-fixes``) and which need a person; ``render`` writes markdown, JSON or a self-contained
HTML page with an inline SVG chart; the command itself is ``commands/report.py``. Nothing is
imported here, so ``cli`` stays cheap to load.
"""
