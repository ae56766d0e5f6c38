"""Fakes of external systems for tests: real HTTP servers or httpx transports, never mocks of our code."""
