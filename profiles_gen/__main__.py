import sys

from profiles_gen.cli.main import main

sys.exit(main())
