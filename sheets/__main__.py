"""`python -m sheets setup`: the command line lives in `cli.provision` (on top of the adapters)."""

from cli.provision import main

raise SystemExit(main())
