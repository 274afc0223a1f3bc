"""The package's version, in one place: the wheel's metadata (``[tool.hatch.version]``), ``fp.__version__``
and the User-Agent all read it. CHANGELOG.md's newest entry must agree (tests/test_packaging.py)."""

__version__ = "0.2.0.dev0"
