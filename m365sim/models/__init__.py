"""Simulator state, kept in the `m365sim` database alias (see m365sim/router.py)."""

from .calendar import *  # noqa: F403
from .directory import *  # noqa: F403
from .notify import *  # noqa: F403
from .ops import *  # noqa: F403
