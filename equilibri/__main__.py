from equilibri.cli import main

main()
