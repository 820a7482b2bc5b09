"""The rules: each module defines its rules (``registry.Rule``) beside the family that reports them."""
