"""PMA1xx: Motor-only API, imports and constructor arguments, one module per theme.

Each check fires on evidence from the semantic model: a driver class (``ClassRef``) being
constructed, a driver object (``Obj``) whose member Motor had and PyMongo Async lacks (from the
generated tables), or an import of a motor module.
"""
