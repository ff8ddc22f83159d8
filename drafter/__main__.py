from drafter.cli.app import main

main()
