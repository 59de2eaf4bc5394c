"""The one send path and everything below it."""
