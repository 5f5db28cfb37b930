import sys

from profiles_gen.cli import main

sys.exit(main())
