"""The reference central server: FastAPI app over a portable storage layer."""
