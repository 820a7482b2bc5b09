"""Python builtins the model and the rules know by what they do with their arguments."""
from __future__ import annotations

# Builtins that iterate their arguments (map/filter iterate all but the first).
ITERATING_BUILTINS = frozenset({"list", "tuple", "set", "frozenset", "sorted", "dict", "enumerate", "zip", "sum",
                                "any", "all", "min", "max", "map", "filter", "iter", "reversed"})

# Builtins that use their arguments' values and never await them.
NON_AWAITING_BUILTINS = frozenset({
    "print", "len", "list", "tuple", "set", "frozenset", "dict", "str", "repr", "bool", "int", "float",
    "sorted", "sum", "any", "all", "min", "max", "enumerate", "zip", "map", "filter", "iter", "next",
    "isinstance", "type", "id", "hash", "format", "vars", "reversed",
})
