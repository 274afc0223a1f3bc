"""freedompay-cards: Python client for the Freedom Pay Card API."""

__version__ = "0.1.0"
