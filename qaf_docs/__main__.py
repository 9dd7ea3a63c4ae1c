"""Allow ``python -m qaf_docs``."""

from qaf_docs.cli import main

if __name__ == "__main__":
    main()
