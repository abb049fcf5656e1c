"""``python -m tests.security.corpus <folder>``: write the attack corpus there."""

import sys

from tests.security.corpus.build import write

if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else "var/attack-corpus"
    print(f"{write(folder)} files written to {folder}")
