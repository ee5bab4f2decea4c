"""The built-in rules, one module each, registered as plugins via entry points."""
