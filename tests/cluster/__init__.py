"""Fault tests on a real local cluster of three nodes (SIGKILL, SIGSTOP), and backups."""
