"""hatsugen (発言): a bilingual Japanese/English archive of attributed statements.

The package is laid out by capability; each subpackage lives in its own top-level folder of
the repository (mapped in pyproject.toml):

- `hatsugen.archive` (archive/): the statement store, the source of truth
- `hatsugen.index` (index/): search with SudachiPy and Whoosh
- `hatsugen.extract` (extract/): quotes found in news articles
- `hatsugen.core` (core/core.py): the one object composing store and index
- `hatsugen.cli` (cli/): the `hatsugen` command line
- `hatsugen.web` (web/): the Flask web app and its JSON API

Kept free of imports so that `import hatsugen.archive` stays light.
"""

__version__ = "0.2.0"
