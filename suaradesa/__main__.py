from suaradesa.cli import main

main()
