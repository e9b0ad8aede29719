"""The `hamsyr` command's entry point: how the process is set up before the CLI is imported."""

import gc


def main() -> None:
    # One query is one short process, and its data (strings, tuples, records) makes no reference cycles for
    # the cyclic collector to find: it would only cost time, about 4% of a query's start-up on the shipped
    # base and more while a large base is parsed. Reference counting still frees everything as usual.
    gc.disable()
    from hamsyr.cli import main as run

    run()
