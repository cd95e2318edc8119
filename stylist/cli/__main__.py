from stylist.cli import main

main()
