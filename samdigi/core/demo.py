"""A registry of demo-data functions, so each app adds its own demo data to `seed_demo`.

An app registers `def seed(stdout) -> int` (the number of records it created) with `@demo_seeder`
in a module named `demo.py`; seed_demo runs them in app order after the organisations.
"""

from importlib import import_module

from django.apps import apps

_SEEDERS = []


def demo_seeder(func):
    _SEEDERS.append(func)
    return func


def run_seeders(stdout) -> int:
    names = []
    for config in apps.get_app_configs():
        if config.name.startswith("samdigi.") and config.name != "samdigi.organizations":
            names.append(config.name)
            try:
                import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise

    def app_order(seeder) -> int:
        # In app order, whoever imported a demo module first: tenders replace the landscape's
        # contracts, so the landscape must exist before them.
        module = seeder.__module__
        return next(
            (i for i, name in enumerate(names) if module.startswith(f"{name}.")), len(names)
        )

    return sum(seeder(stdout) for seeder in sorted(_SEEDERS, key=app_order))
