"""`python -m config.preflight PROCESS`: may this production process start?

With DEBUG off, names every missing variable (config.production); loads the settings; for
`serve`, checks that `make release` collected the static files. Prints one line naming
what is wrong and exits 1, so `make serve` never boots a server that answers 500.
"""

import sys

import django
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured

from config.production import require_production_environment

STATIC_PROBE = "css/app.css"


def problems(process: str) -> list[str]:
    try:
        require_production_environment()
        django.setup()
    except (ImproperlyConfigured, ValueError) as error:
        return [str(error)]
    if process == "serve" and hasattr(staticfiles_storage, "manifest_name"):
        try:
            staticfiles_storage.stored_name(STATIC_PROBE)
        except ValueError:
            return [
                f"static files are not collected in {settings.STATIC_ROOT}: "
                "run `make release` first."
            ]
    return []


def main(argv: list[str]) -> int:
    process = argv[1] if len(argv) > 1 else "serve"
    found = problems(process)
    for problem in found:
        print(f"make {process}: cannot start: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
