# Generated from facade/freedompay_cards/_async/__init__.py by scripts/generate.py (`make generate`).
# Do not edit: change the async original and regenerate.
