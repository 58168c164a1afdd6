from kennisnet.cli import main

main()
