from ssw_linkage.cli import main

raise SystemExit(main())
