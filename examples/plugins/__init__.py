"""Example gateway plugins, each loadable as `--plugin examples.plugins.<module>:<attribute>`."""
