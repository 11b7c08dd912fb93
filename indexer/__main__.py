"""`python -m indexer` runs the indexer CLI."""

from indexer.cli import main

if __name__ == "__main__":
    main()
