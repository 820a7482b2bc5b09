"""The project around the module being checked: where its first-party modules are, and what they hold.

- ``locate``: a file's package root and dotted name (walking up ``__init__.py`` directories), the
  source roots it can import from, and the file a dotted name refers to;
- ``imports``: the first-party modules a module may ask about, read from its import statements;
- ``serial``: summaries to and from JSON, written once over the summary dataclasses;
- ``cache``: the on-disk cache of summaries (atomic writes; a bad entry is ignored);
- ``index``: ``ProjectIndex``, which parses, walks and summarises modules at most once per process,
  and gives each checked module its ``semantic.project.ProjectView``.

It sits above the semantic layer (it runs the model to summarise modules) and below the rules: the
model itself only ever sees a ``ProjectView``. Nothing here imports or runs the code it reads.
"""
