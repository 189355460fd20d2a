"""The assessment projection, its runners, rebuild and the worker process."""
