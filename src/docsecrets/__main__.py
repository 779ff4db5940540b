from docsecrets.cli import main

raise SystemExit(main())
