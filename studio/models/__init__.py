"""Tortoise models, one module per context, all registered in one app ("studio").

Both the studio and the h5 edge app use these models; add a module here and to MODEL_MODULES.
"""

from __future__ import annotations

MODEL_MODULES = [
    "studio.models.accounts",
    "studio.models.jobs",
    "studio.models.audit",
    "studio.models.messages",
    "studio.models.links",
    "studio.models.visits",
    "studio.models.sending",
    "studio.models.media",
    "studio.models.templates",
]
