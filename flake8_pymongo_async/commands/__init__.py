"""The standalone command's subcommands; ``cli.py`` only parses and dispatches.

``engine`` finds, reads and checks files the way flake8 does (without flake8), for ``check`` and for
any other command that needs the same findings.
"""
