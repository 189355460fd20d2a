"""Checks of the deployment files: Dockerfile and docker-compose.yml."""
