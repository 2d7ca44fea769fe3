"""`python -m reporting COMMAND`: the command line lives in `cli.reports` (on top of the core)."""

from cli.reports import main

raise SystemExit(main())
