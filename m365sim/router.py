"""Keeps the simulator's tables in their own database alias, apart from product data."""

from __future__ import annotations

ALIAS = "m365sim"


class SimulatorRouter:
    def _is_sim(self, model) -> bool:
        return model._meta.app_label == "m365sim"

    def db_for_read(self, model, **hints):
        return ALIAS if self._is_sim(model) else None

    def db_for_write(self, model, **hints):
        return ALIAS if self._is_sim(model) else None

    def allow_relation(self, obj1, obj2, **hints):
        if self._is_sim(obj1) or self._is_sim(obj2):
            return self._is_sim(obj1) and self._is_sim(obj2)
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == "m365sim":
            return db == ALIAS
        return db != ALIAS
