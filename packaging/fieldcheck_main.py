"""The bundle's entry point: the same `fieldcheck` command as the pip-installed one."""

import sys

# The bundle's folder belongs to the system (/opt/fieldcheck, Program Files): Alembic loads the
# migration scripts from source there, and nothing may be written next to them.
sys.dont_write_bytecode = True

from fieldcheck.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
