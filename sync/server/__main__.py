from sync.server.run import main

main()
