from officekit.cli import main

main()
