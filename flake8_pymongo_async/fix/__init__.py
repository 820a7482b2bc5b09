"""The fixer: ``flake8-pymongo-async fix``.

``engine.fix_text`` fixes one text (pure); ``commands/fix.py`` runs it over files (atomic writes, diffs,
parallel jobs, the summary); ``actions`` and ``imports`` turn each fixable diagnostic into minimal
edits located with ast-grep-py. Nothing is imported here, so ``cli`` stays cheap to load.
"""
