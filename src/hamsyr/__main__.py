from hamsyr.console import main

main()
