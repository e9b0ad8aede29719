"""The `hamsyr` command: parsing options (hamsyr.cli.options), one function a command (hamsyr.cli.commands).

This module stays small, as the console script imports it first: `main` sets the process up, then imports
the commands.
"""

import gc


def main() -> None:
    """Console entry point."""
    # One query is one short process, and its data (strings, tuples, records) makes no reference cycles for
    # the cyclic collector to find: it would only cost time, about 4% of a query's start-up on the shipped
    # base and more while a large base is parsed. Reference counting still frees everything as usual.
    gc.disable()
    from hamsyr.cli.commands import run

    run()
