from hamsyr.cli import main

main()
