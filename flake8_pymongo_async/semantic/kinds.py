"""TEMPORARY re-exports for the rules until they import api.kinds and semantic.resolve."""
from ..api.kinds import CURSOR_KINDS, RESULT_OVERRIDES, member, motor_member, is_motor_only  # noqa: F401
from .resolve import item_of  # noqa: F401
