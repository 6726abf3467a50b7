"""The sans-I/O floor: wire format, models, errors and every decision, with no I/O."""
