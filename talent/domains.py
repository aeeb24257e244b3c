"""The composition root of the domains' contributions to shared machinery.

The import framework (talent.imports) and the reminders of `talent remind` (talent.notifications) know no
domain: each domain registers its import kinds and reminder providers when its module is imported. This module
names those modules, and `load()` imports them; the app (talent.app.create_app) and the command line
(talent.cli) call it before they use either. A domain adds its module here.
"""

import importlib

# Modules that register spreadsheet kinds with talent.imports.framework.register.
IMPORT_KINDS = (
    "talent.places.imports",
    "talent.people.imports",
    "talent.certification.imports",
    "courses.examprep.imports",
)
# Modules that register reminder providers with talent.notifications.services.reminder_provider.
REMINDERS = (
    "talent.certification.reminders",
    "courses.classroom.reminders",
)
MODULES = IMPORT_KINDS + REMINDERS


def load() -> None:
    """Import every contributing module (once: Python keeps imported modules), so its registrations are made."""
    for module in MODULES:
        importlib.import_module(module)
