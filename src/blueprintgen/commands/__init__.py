"""What each command does; cli.py parses the options and calls one function here.

    common      the exit codes, the two errors a command stops with, messages, settings, default paths
"""
