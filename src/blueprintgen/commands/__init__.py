"""What each command does, one module per concern; cli.py parses the options and calls one function here.

    common      the exit codes, the two errors a command stops with, messages, settings, default paths
    files       validate, render, schema
    findings    check, baseline
    compare     diff

build, generate and serve drive the output side, so they live with it, in site/commands.py.
"""
