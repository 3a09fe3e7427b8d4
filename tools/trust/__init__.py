"""Trust: untrusted input made safe, and every check on exactly what is sent (the critic)."""
