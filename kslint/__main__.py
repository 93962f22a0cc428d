from kslint.cli import main

main()
